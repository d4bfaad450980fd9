// The phones running the SMS Gateway for Android app that reach this node through its mobile API: their
// registration with the project's license key, their presence (event stream or recent polls), the
// messages they fetch and the states, received SMS and pings they send back.
import type { ChannelService, Clock, Device, DeviceCommand, DeviceService, InboundService, MessageService, OutboundMessage, Project } from '../core/index.js';
import { APP_PHONE_COMMANDS, PairingRefusedError } from '../core/index.js';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { ConnectedDevice } from '../channels/bridge/index.js';
import { AppPhone, type EventSink } from './app-phone.js';
import { appMessage, parseAppWebhook, parseStateReports, stateEffect, type AppStateReport } from './app-phone-wire.js';
import type { SendFrame } from './frames.js';

export interface AppPhoneHubSettings {
  maxInFlight: number;
  presenceMs: number;
  /** The pacing of a newly registered phone. */
  delayMs: number;
  /** How often open event streams get a keepalive comment (and the phone's last-seen time a refresh). */
  keepAliveMs: number;
}

export interface AppPhoneHubDeps {
  devices: DeviceService;
  messages: MessageService;
  inbound: InboundService;
  channels: ChannelService;
  findProject(projectId: number): Promise<Project | undefined>;
  /** Read fresh (cached briefly): another node may have deleted the project. */
  isProjectDeleted(projectId: number): Promise<boolean>;
  /** Builds the `send` frame of a message: its text (with the media link an SMS carries instead). */
  frameFor(message: OutboundMessage): Promise<SendFrame>;
  clock: Clock;
  settings: AppPhoneHubSettings;
  onWork(projectId: number): void;
  onRoomFreed(projectId: number): void;
  logError(error: unknown, context: string): void;
  logInfo?(details: Record<string, unknown>, message: string): void;
}

/** What the app receives from `POST /device`. */
export interface AppRegistration {
  id: string;
  token: string;
  login: string;
  password: string;
}

export type RegistrationRefusal = 'bad_token' | 'project_not_active';

/** Written at most this often per phone while it polls: presence, not an audit trail. */
const SEEN_EVERY_MS = 5000;

export class AppPhoneHub {
  private readonly phones = new Map<number, AppPhone>();
  private timer: NodeJS.Timeout | undefined;
  private readonly lastSeenWrite = new Map<number, number>();
  private isClosed = false;

  constructor(private readonly deps: AppPhoneHubDeps) {}

  start(): void {
    this.timer = setInterval(() => this.tick(), this.deps.settings.keepAliveMs);
    this.timer.unref();
  }

  /** `POST /device` with the license key as the private token: a new device of the project. */
  async register(licenseKey: string, phoneName: string, appVersion: string, hasPushToken: boolean): Promise<AppRegistration | RegistrationRefusal> {
    try {
      const pairing = await this.deps.devices.registerAppPhone(licenseKey, phoneName.slice(0, 128), appVersion.slice(0, 64), this.deps.settings.delayMs);
      this.deps.logInfo?.({ projectId: pairing.project.id, deviceId: pairing.device.id, device: pairing.device.deviceKey, phoneName: pairing.device.phoneName }, 'app phone registered');
      if (hasPushToken) this.pushTokenNotice(pairing.device);
      this.session(pairing.device, pairing.project);
      // The app shows login and password as credentials of the server's own sending API; Switchboard has
      // none (clients use the project's API token), so they name the project and open nothing.
      return { id: pairing.device.deviceKey, token: pairing.deviceToken, login: `project-${pairing.project.id}`, password: pairing.device.deviceKey.toLowerCase() };
    } catch (error) {
      if (error instanceof PairingRefusedError) return error.reason === 'project_not_active' ? 'project_not_active' : 'bad_token';
      throw error;
    }
  }

  /**
   * The phone a device token belongs to, refreshed as present; undefined for any other token, and
   * 'closing' while the gateway stops (not a refusal: the app registers anew when told 401).
   */
  async authenticate(token: string): Promise<AppPhone | 'closing' | undefined> {
    if (this.isClosed) return 'closing';
    if (token === '') return undefined;
    const device = await this.deps.devices.authenticate(token);
    if (!device || device.transport !== 'android') return undefined;
    const now = this.deps.clock.now();
    let phone = this.phones.get(device.id);
    if (!phone || phone.isClosed) {
      const project = await this.deps.findProject(device.projectId);
      if (!project || project.status !== 'Active') return undefined;
      phone = this.session(device, project);
      phone.holds((await this.deps.devices.heldMessages(device.id)).map((message) => message.id));
      this.deps.onWork(project.id);
    } else {
      if (await this.deps.isProjectDeleted(phone.project.id)) {
        this.drop(phone);
        return undefined;
      }
      // Paused or resumed by another node, or renamed: the row is the truth.
      phone.device = device;
    }
    const wasPresent = phone.isPresent(now);
    phone.lastRequestAt = now;
    await this.seen(phone, now);
    if (!wasPresent) this.deps.onWork(phone.project.id);
    return phone;
  }

  /** The phone whose inbound webhook URL this is (its device row id and secret), if any. */
  async byHook(deviceId: number, secret: string): Promise<Device | undefined> {
    const device = await this.deps.devices.find(deviceId);
    if (!device || device.transport !== 'android' || !sameSecret(device.hookSecret, secret)) return undefined;
    return (await this.deps.isProjectDeleted(device.projectId)) ? undefined : device;
  }

  /** Where the phone posts what it receives (`GET /webhooks` tells it): the path under the mobile API. */
  hookPath(device: Device): string {
    return `/hooks/${device.id}/${device.hookSecret}`;
  }

  /** `GET /message`: what the phone holds and has not said it took, in its order (priority, then age). */
  async pending(phone: AppPhone): Promise<Record<string, unknown>[]> {
    const held = await this.deps.devices.heldMessages(phone.device.id);
    const answer: Record<string, unknown>[] = [];
    for (const message of held) {
      if (phone.wasTaken(message.id)) continue;
      answer.push(appMessage(message, (await this.deps.frameFor(message)).text));
    }
    return answer;
  }

  /** `PATCH /message` with the body as the app sent it: checked whole, then applied; or what is wrong. */
  async reportStates(phone: AppPhone, body: unknown): Promise<{ problem: string } | undefined> {
    const parsed = parseStateReports(body);
    if ('problem' in parsed) return parsed;
    await this.applyStates(phone, parsed.reports);
    return undefined;
  }

  /**
   * The app opens its event stream only when it has no Firebase push token: a phone with Google services
   * waits for pushes Switchboard never sends and polls every 15 minutes. The operator is told how to fix it.
   */
  pushTokenNotice(device: Device): void {
    this.deps.logInfo?.(
      { projectId: device.projectId, deviceId: device.id, device: device.deviceKey },
      'app phone uses Firebase push, which Switchboard does not send: choose the SSE notification channel (or a short ping interval) in the app, see docs/devices.md',
    );
  }

  /** What `GET /device` tells the app of itself. */
  describe(phone: AppPhone): Record<string, unknown> {
    const { device } = phone;
    return { id: device.deviceKey, name: device.phoneName, createdAt: new Date(device.createdAt).toISOString(), updatedAt: new Date(device.lastSeenAt).toISOString(), lastSeen: new Date(device.lastSeenAt).toISOString() };
  }

  /**
   * `PATCH /message`: each report moves our message the way a bridge device's report does. Reports on
   * messages that are not this phone's are skipped, as the app's own server skips unknown ones.
   */
  async applyStates(phone: AppPhone, reports: readonly AppStateReport[]): Promise<void> {
    const moves: Promise<boolean>[] = [];
    for (const report of reports) {
      if (!/^\d{1,15}$/.test(report.id)) continue;
      const messageId = Number(report.id);
      const message = await this.deps.messages.get(messageId);
      if (!message || message.deviceId !== phone.device.id) continue;
      const effect = stateEffect(report);
      if (effect.kind === 'none') continue;
      if (effect.kind === 'taken') {
        phone.markTaken(messageId);
        continue;
      }
      // Sent (or done): room in the phone's window, and no longer in `sending`, so never listed again.
      phone.settle(messageId);
      moves.push(
        this.deps.messages.request({ messageId, to: effect.to, error: effect.error, ...(effect.to === 'delivered' && { via: 'submitted' as const }) }).then(
          () => true,
          (failure: unknown) => {
            this.deps.logError(failure, `message ${messageId} → ${effect.to}`);
            return false;
          },
        ),
      );
    }
    // Answered once committed: a 204 tells the app its report is stored (it retries otherwise).
    const outcomes = await Promise.all(moves);
    if (outcomes.length > 0) this.deps.onRoomFreed(phone.project.id);
    if (!outcomes.every(Boolean)) throw new Error('some message states could not be stored');
  }

  /** A webhook post of the phone: a received SMS is stored once and reaches the global webhook. */
  async received(device: Device, body: unknown): Promise<'stored' | 'ignored' | { problem: string }> {
    const now = this.deps.clock.now();
    const parsed = parseAppWebhook(body, now);
    if ('problem' in parsed) return parsed;
    const phone = this.phones.get(device.id);
    if (phone) phone.lastRequestAt = now;
    if ('ignored' in parsed) return 'ignored';
    const channelId = (await this.deps.channels.listForProject(device.projectId)).find((channel) => channel.kind === 3)?.id ?? null;
    await this.deps.inbound.receive({
      projectId: device.projectId,
      deviceId: device.id,
      channelId,
      application: 3,
      externalId: parsed.sms.externalId,
      sender: parsed.sms.sender,
      senderName: '',
      // Picky's inbound type 1: text.
      type: 1,
      text: parsed.sms.text,
      mediaUrl: '',
      quotedMsgId: '',
      details: {},
      receivedAt: parsed.sms.receivedAt,
    });
    return 'stored';
  }

  /** `GET /events`: the stream stays registered until the connection closes. */
  openStream(phone: AppPhone, sink: EventSink): () => void {
    phone.addSink(sink);
    this.deps.onWork(phone.project.id);
    // Work handed over while the phone was away is fetched as soon as it listens.
    if (phone.isHolding) phone.notify();
    return () => phone.removeSink(sink);
  }

  connected(deviceId: number): ConnectedDevice | undefined {
    const phone = this.phones.get(deviceId);
    return phone?.isPresent(this.deps.clock.now()) ? phone : undefined;
  }

  connectedFor(projectId: number): ConnectedDevice[] {
    const now = this.deps.clock.now();
    return [...this.phones.values()].filter((phone) => phone.project.id === projectId && phone.isPresent(now));
  }

  connectedProjects(): number[] {
    const now = this.deps.clock.now();
    return [...new Set([...this.phones.values()].filter((phone) => phone.isPresent(now)).map((phone) => phone.project.id))];
  }

  /**
   * A device-action command: the message-queue ones are the gateway's to carry out (pausing is kept in
   * the row and in the session); the app has no way to obey the others, so they reach no phone.
   */
  sendCommand(deviceId: number, command: DeviceCommand): boolean {
    const phone = this.connected(deviceId) as AppPhone | undefined;
    if (!phone || !APP_PHONE_COMMANDS.includes(command)) return false;
    if (command === 'stop-message-queue' || command === 'resume-message-queue') phone.device = { ...phone.device, isMessageQueuePaused: command === 'stop-message-queue' };
    return true;
  }

  disconnectProject(projectId: number): void {
    for (const phone of [...this.phones.values()]) if (phone.project.id === projectId) this.drop(phone);
  }

  /** Ends every event stream (the app reconnects to whichever node answers) and stops the timer. */
  close(): void {
    this.isClosed = true;
    if (this.timer) clearInterval(this.timer);
    for (const phone of [...this.phones.values()]) phone.close();
    this.phones.clear();
  }

  private session(device: Device, project: Project): AppPhone {
    const previous = this.phones.get(device.id);
    previous?.close();
    const phone = new AppPhone(device, project, { maxInFlight: this.deps.settings.maxInFlight, presenceMs: this.deps.settings.presenceMs }, this.deps.clock.now());
    this.phones.set(device.id, phone);
    return phone;
  }

  private async seen(phone: AppPhone, now: number): Promise<void> {
    if (now - (this.lastSeenWrite.get(phone.device.id) ?? 0) < SEEN_EVERY_MS && phone.device.isOnline) return;
    this.lastSeenWrite.set(phone.device.id, now);
    phone.device = { ...phone.device, isOnline: true, lastSeenAt: now };
    await this.deps.devices.seen(phone.device.id);
  }

  private drop(phone: AppPhone): void {
    phone.close();
    this.phones.delete(phone.device.id);
    this.lastSeenWrite.delete(phone.device.id);
  }

  /** Keepalives on open streams (which also keep the phone's row fresh); phones long gone are forgotten. */
  private tick(): void {
    const now = this.deps.clock.now();
    for (const phone of [...this.phones.values()]) {
      if (phone.hasStream) {
        phone.keepAlive();
        this.seen(phone, now).catch((error: unknown) => this.deps.logError(error, 'app phone presence'));
      } else if (!phone.isPresent(now)) {
        this.drop(phone);
        this.deps.devices.disconnected(phone.device.id).catch((error: unknown) => this.deps.logError(error, 'app phone offline'));
      }
    }
  }
}

/** Compared as digests, in constant time: the secret's length and prefix stay unknown to a guesser. */
function sameSecret(expected: string, given: string): boolean {
  if (expected === '') return false;
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(given));
}
