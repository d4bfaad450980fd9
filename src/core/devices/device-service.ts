// Devices of phone-automation projects: pairing by license key or device token, presence, heartbeats,
// pausing, and the gateway's side of the device commands.
import { randomBytes } from 'node:crypto';
import { hashToken, newMasterToken } from '../secrets.js';
import type { CallService } from '../calls/call-service.js';
import type { Clock } from '../clock.js';
import { TtlCache } from '../ttl-cache.js';
import type { OutboundMessage } from '../messages/message.js';
import type { MessageService } from '../messages/message-service.js';
import type { Project } from '../project.js';
import type { Storage } from '../stores.js';
import type { Device, DeviceStatus, DeviceTransport, QueueKind } from './device.js';
import type { DeviceCommand, DeviceLink } from './device-commands.js';

export const PHONE_KINDS: readonly number[] = [1, 2, 3, 4];
export const DEFAULT_DEVICE_DELAY_MS = 10_000;

export type PairingRefusal = 'bad_license' | 'project_not_active';

export class PairingRefusedError extends Error {
  constructor(
    readonly reason: PairingRefusal,
    detail: string,
  ) {
    super(detail);
    this.name = 'PairingRefusedError';
  }
}

export interface PairingRequest {
  licenseKey?: string | undefined;
  deviceToken?: string | undefined;
  deviceKey: string;
  phoneName: string;
  appVersion: string;
  applications: number[];
  delayMs: number;
  maxCallMembers: number;
  /** Default 'bridge'; a device token works only over the transport it was issued for. */
  transport?: DeviceTransport;
  hookSecret?: string;
}

export interface Pairing {
  device: Device;
  project: Project;
  /** The token the device reconnects with (new when it paired by license key). */
  deviceToken: string;
}

export class DeviceService {
  private link: DeviceLink | undefined;
  private calls: CallService | undefined;
  private readonly unpausedProjects: TtlCache<number, true>;

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly messages: MessageService,
    private readonly nodeId: string,
  ) {
    this.unpausedProjects = new TtlCache(clock, 5000);
  }

  /** The call queue, which `delete-call-queue` and `reset` act on. */
  attachCalls(calls: CallService): void {
    this.calls = calls;
  }

  /** The bridge registers itself so that commands and pauses reach connected devices. */
  attach(link: DeviceLink): void {
    this.link = link;
  }

  async pair(request: PairingRequest): Promise<Pairing> {
    const { stores } = this.storage;
    let project: Project | undefined;
    let deviceToken: string;
    if (request.deviceToken) {
      const known = await stores.devices.findByTokenHash(hashToken(request.deviceToken));
      if (!known || known.deviceKey !== request.deviceKey || known.transport !== (request.transport ?? 'bridge')) throw new PairingRefusedError('bad_license', 'unknown device token');
      project = await stores.projects.findById(known.projectId);
      deviceToken = request.deviceToken;
    } else {
      project = request.licenseKey ? await stores.projects.findByLicenseKey(request.licenseKey) : undefined;
      if (!project) throw new PairingRefusedError('bad_license', 'unknown license key');
      deviceToken = newMasterToken();
    }
    if (!project) throw new PairingRefusedError('bad_license', 'unknown project');
    if (project.status !== 'Active') throw new PairingRefusedError('project_not_active', `project ${project.id} is ${project.status}`);
    const device = await stores.devices.upsert(
      {
        projectId: project.id,
        deviceKey: request.deviceKey,
        phoneName: request.phoneName,
        appVersion: request.appVersion,
        applications: request.applications,
        delayMs: request.delayMs,
        maxCallMembers: request.maxCallMembers,
        ...(request.transport && { transport: request.transport }),
        ...(request.hookSecret && { hookSecret: request.hookSecret }),
      },
      hashToken(deviceToken),
      this.nodeId,
      this.clock.now(),
    );
    return { device, project, deviceToken };
  }

  /**
   * A phone running the SMS Gateway for Android app registers with the project's license key as its
   * private token: it becomes a new device of the project carrying SMS (application 3), under an id and
   * a token of its own (the app keeps both and re-registers when the token stops working).
   */
  registerAppPhone(licenseKey: string, phoneName: string, appVersion: string, delayMs: number): Promise<Pairing> {
    return this.pair({
      licenseKey,
      // 21 URL-safe characters, the length of the ids the app is used to.
      deviceKey: randomBytes(16).toString('base64url').slice(0, 21),
      phoneName,
      appVersion,
      applications: [3],
      delayMs,
      maxCallMembers: 0,
      transport: 'android',
      hookSecret: newMasterToken(),
    });
  }

  /** An app phone was heard from (a request, or its open event stream): online, on this node. */
  seen(deviceId: number): Promise<void> {
    return this.storage.stores.devices.setOnline(deviceId, true, this.nodeId, this.clock.now());
  }

  find(deviceId: number): Promise<Device | undefined> {
    return this.storage.stores.devices.findById(deviceId);
  }

  disconnected(deviceId: number): Promise<void> {
    return this.storage.stores.devices.setOnline(deviceId, false, this.nodeId, this.clock.now());
  }

  heartbeat(deviceId: number, status: DeviceStatus): Promise<void> {
    return this.storage.stores.devices.setStatus(deviceId, status, this.clock.now());
  }

  touch(deviceId: number): Promise<void> {
    return this.storage.stores.devices.touch(deviceId, this.clock.now());
  }

  /** Messages handed to a device that it has not reported sent: resent when it reconnects. */
  heldMessages(deviceId: number): Promise<OutboundMessage[]> {
    return this.storage.stores.messages.listSendingForDevice(deviceId);
  }

  /**
   * Devices that fell silent (their node died, or they vanished) are marked offline, and what they held
   * for longer than the offline timeout goes back to the queue for another device. Answers the projects
   * that got work back.
   */
  async requeueFromSilentDevices(before: number, connectedHere: ReadonlySet<number>): Promise<number[]> {
    const { devices } = this.storage.stores;
    for (const device of await devices.listSilentSince(before)) {
      if (!connectedHere.has(device.id)) await devices.setOnline(device.id, false, device.nodeId, this.clock.now());
    }
    const projects = new Set<number>();
    for (const device of await devices.listOfflineHoldingMessages(before)) {
      const held = await this.heldMessages(device.id);
      // A deleted project's phones never come back: what they held is cancelled and refunded, not queued.
      const isDeleted = (await this.storage.stores.projects.findById(device.projectId))?.status === 'Delete';
      const move = isDeleted ? { to: 'cancelled' as const, error: 'project deleted' } : { to: 'queued' as const, error: 'device went offline' };
      await this.messages.moveMany(held.map((message) => ({ messageId: message.id, ...move })));
      if (!isDeleted) projects.add(device.projectId);
    }
    return [...projects];
  }

  /** The device a device token belongs to (media downloads authenticate this way). */
  authenticate(deviceToken: string): Promise<Device | undefined> {
    return this.storage.stores.devices.findByTokenHash(hashToken(deviceToken));
  }

  list(projectId: number): Promise<Device[]> {
    return this.storage.stores.devices.listByProject(projectId);
  }

  /** Devices this node held before it restarted are offline until they reconnect. */
  forgetPreviousSessions(): Promise<number> {
    return this.storage.stores.devices.setOfflineForNode(this.nodeId, this.clock.now());
  }

  async phoneChannelIds(projectId: number): Promise<number[]> {
    const channels = await this.storage.stores.channels.listByProject(projectId);
    return channels.filter((channel) => PHONE_KINDS.includes(channel.kind)).map((channel) => channel.id);
  }

  /** Queued plus in-flight messages of the project's phone channels. */
  async pendingCount(projectId: number): Promise<number> {
    return this.storage.stores.messages.countPending(await this.phoneChannelIds(projectId));
  }

  /**
   * A push for the project resumes a paused message queue, as the Picky docs say: "a new message sent
   * afterwards resumes the queue". Projects without paused devices are remembered for a few seconds so
   * that the push path does not read the devices every time.
   */
  async resumeAfterPush(projectId: number): Promise<void> {
    if (this.unpausedProjects.get(projectId)) return;
    const paused = (await this.list(projectId)).filter((device) => device.isMessageQueuePaused);
    if (paused.length === 0) this.unpausedProjects.set(projectId, true);
    for (const device of paused) await this.setPaused(device, 'message', false);
    if (paused.length > 0) for (const device of paused) this.link?.sendCommand(device.id, 'resume-message-queue');
  }

  /** The gateway's side of a command, then the command itself to every connected device of the project. */
  /**
   * `forgetAppPhones`: `reset` also cancels (and refunds) what app phones hold. Only for a phone named by
   * its id, which the operator knows to be gone (uninstalled, lost): a running app sends what it fetched.
   */
  async execute(project: Project, devices: Device[], command: DeviceCommand, forgetAppPhones = false): Promise<{ delivered: number; cancelled: number; callsCancelled: number }> {
    let cancelled = 0;
    let callsCancelled = 0;
    if (command === 'delete-message-queue' || command === 'reset') cancelled += await this.cancelQueued(project.id);
    // An app phone sends what it fetched whatever the gateway says; cancelling (and refunding) that would
    // give away messages that still go out. Only bridge devices drop what they hold.
    if (command === 'reset') cancelled += await this.cancelHeldBy(devices.filter((device) => device.transport === 'bridge' || forgetAppPhones));
    const why = command === 'reset' ? 'device reset' : 'call queue deleted';
    if (command === 'delete-call-queue' || command === 'reset') callsCancelled += (await this.calls?.cancelQueued(project.id, why)) ?? 0;
    if (command === 'reset') callsCancelled += (await this.calls?.cancelHeldBy(devices, why)) ?? 0;
    for (const device of devices) {
      if (command === 'stop-message-queue') await this.setPaused(device, 'message', true);
      if (command === 'resume-message-queue') await this.setPaused(device, 'message', false);
      if (command === 'stop-call-queue') await this.setPaused(device, 'call', true);
      if (command === 'resume-call-queue') await this.setPaused(device, 'call', false);
    }
    let delivered = 0;
    for (const device of devices) if (this.link?.sendCommand(device.id, command)) delivered += 1;
    this.link?.wake(project.id);
    return { delivered, cancelled, callsCancelled };
  }

  private async setPaused(device: Device, queue: QueueKind, isPaused: boolean): Promise<void> {
    await this.storage.stores.devices.setPaused(device.id, queue, isPaused, this.clock.now());
    this.unpausedProjects.delete(device.projectId);
    this.link?.wake(device.projectId);
  }

  private async cancelQueued(projectId: number): Promise<number> {
    return this.messages.cancelQueued(await this.phoneChannelIds(projectId), 'message queue deleted');
  }

  private async cancelHeldBy(devices: Device[]): Promise<number> {
    let cancelled = 0;
    for (const device of devices) {
      const held = await this.storage.stores.messages.listSendingForDevice(device.id);
      const outcomes = await this.messages.moveMany(held.map((message) => ({ messageId: message.id, to: 'cancelled' as const, error: 'device reset' })));
      cancelled += outcomes.filter((outcome) => outcome.isMoved).length;
    }
    return cancelled;
  }
}
