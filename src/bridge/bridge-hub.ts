// The devices connected to this node: it accepts their sockets, keeps one session per device, resends
// what a device held when it comes back, reaches devices with commands, and notices silent ones.
import type { Server } from 'node:http';
import type { CallService, ChannelService, Clock, DeviceCommand, DeviceLink, DeviceService, InboundService, MessageService, OutboundMessage, WebhookService } from '../core/index.js';
import type { ConnectedDevice, DeviceDirectory } from '../channels/bridge/index.js';
import { callFrame } from './call-frame.js';
import { DeviceSession } from './device-session.js';
import { MAX_FRAME_BYTES, type SendFrame } from './frames.js';
import { WebSocketEndpoint } from './websocket-server.js';

export const BRIDGE_PATH = '/bridge/v1';
/** How long a closing hub waits for the sockets it cut to report their close. */
const CLOSE_WAIT_MS = 1000;

export interface BridgeSettings {
  heartbeatMs: number;
  /** A device silent this long is offline; the messages it held go back to the queue. */
  offlineAfterMs: number;
  maxInFlight: number;
  helloTimeoutMs: number;
}

export interface BridgeHubDeps {
  devices: DeviceService;
  messages: MessageService;
  inbound: InboundService;
  webhooks: WebhookService;
  calls: CallService;
  channels: ChannelService;
  /** Builds the `send` frame of a message (the bridge channel knows how). */
  frameFor(message: OutboundMessage): Promise<SendFrame>;
  clock: Clock;
  settings: BridgeSettings;
  /** Wakes the dispatcher for a project. */
  onWork(projectId: number): void;
  /** A device's window has room again; the dispatcher looks if messages are waiting. */
  onRoomFreed(projectId: number): void;
  logError(error: unknown, context: string): void;
  /**
   * Whether a project was deleted, read fresh: given where another node may delete it (PostgreSQL), so a
   * device is refused at its next frame, and an idle one at the next sweep. On SQLite this node makes
   * every deletion itself and disconnects at once (disconnectProject).
   */
  isProjectDeleted?(projectId: number): Promise<boolean>;
  /** Operator log lines (info): devices paired, connected and disconnected. */
  logInfo?(details: Record<string, unknown>, message: string): void;
}

export class BridgeHub implements DeviceLink, DeviceDirectory {
  private readonly sessions = new Map<number, DeviceSession>();
  private readonly byProject = new Map<number, Set<DeviceSession>>();
  private endpoint: WebSocketEndpoint | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private commandCounter = 0;
  /** Every session of a socket still open, welcomed or not (a closing hub waits for their frames). */
  private readonly accepted = new Set<DeviceSession>();
  /** Disconnects being written: a closing hub waits for them before storage closes. */
  private readonly disconnects = new Set<Promise<void>>();
  private sweeping: Promise<void> = Promise.resolve();
  private isClosing = false;

  constructor(private readonly deps: BridgeHubDeps) {}

  attach(server: Server): void {
    this.endpoint = new WebSocketEndpoint(
      server,
      // Frames a little over the limit still arrive, so the device gets a readable `too_large` error.
      { path: BRIDGE_PATH, maxPayloadBytes: MAX_FRAME_BYTES * 4, pingIntervalMs: this.deps.settings.heartbeatMs },
      (socket) => this.accept(socket),
    );
    this.sweepTimer = setInterval(() => {
      this.sweeping = this.sweep().catch((error: unknown) => this.deps.logError(error, 'device sweep'));
    }, Math.min(this.deps.settings.offlineAfterMs, this.deps.settings.heartbeatMs) / 2);
    this.sweepTimer.unref();
  }

  get connectionCount(): number {
    return this.endpoint?.connectionCount ?? 0;
  }

  connected(deviceId: number): ConnectedDevice | undefined {
    const session = this.sessions.get(deviceId);
    return session && session.isWelcomed && !session.isClosed ? session : undefined;
  }

  connectedFor(projectId: number): ConnectedDevice[] {
    return [...(this.byProject.get(projectId) ?? [])].filter((session) => session.isWelcomed && !session.isClosed);
  }

  /** Devices connected (welcomed) here and the messages they hold without a report yet: for the metrics. */
  connectedSnapshot(): { devices: number; inFlight: number } {
    let devices = 0;
    let inFlight = 0;
    for (const session of this.sessions.values()) {
      if (!session.isWelcomed || session.isClosed) continue;
      devices += 1;
      inFlight += session.inFlightCount;
    }
    return { devices, inFlight };
  }

  /** Projects with at least one device connected here. */
  connectedProjects(): number[] {
    return [...this.byProject].filter(([, sessions]) => sessions.size > 0).map(([projectId]) => projectId);
  }

  sendCommand(deviceId: number, command: DeviceCommand): boolean {
    const session = this.connected(deviceId) as DeviceSession | undefined;
    if (!session) return false;
    if (command === 'stop-message-queue' || command === 'resume-message-queue') {
      session.device = { ...session.device, isMessageQueuePaused: command === 'stop-message-queue' };
    }
    if (command === 'stop-call-queue' || command === 'resume-call-queue') {
      session.device = { ...session.device, isCallQueuePaused: command === 'stop-call-queue' };
    }
    this.commandCounter += 1;
    session.send({ type: 'command', command_id: `c${Date.now().toString(36)}${this.commandCounter}`, command });
    return true;
  }

  wake(projectId: number): void {
    this.deps.onWork(projectId);
  }

  /** Refuses every device of a deleted project connected here; their tokens no longer pair either. */
  disconnectProject(projectId: number): void {
    for (const session of [...(this.byProject.get(projectId) ?? [])]) session.projectDeleted();
  }

  /** Cuts every device connection at once (they reconnect and resume); close() also uses it. */
  dropConnections(): void {
    for (const session of this.sessions.values()) session.socket.terminate();
  }

  /**
   * Disconnects every device of this node and marks them offline before storage closes: sockets are cut
   * (after a close frame), the frames already received are handled, each disconnect is written, then a
   * last pass marks offline whatever this node still shows online. Other nodes then report them offline.
   */
  async close(): Promise<void> {
    this.isClosing = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    for (const session of this.sessions.values()) session.close();
    this.endpoint?.close();
    const sessions = [...this.accepted];
    // Cut sockets report their close within a few turns of the event loop; the bound is a safety net.
    await Promise.race([Promise.all(sessions.map((session) => session.closed)), new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
    await Promise.all(sessions.map((session) => session.whenIdle()));
    await Promise.all([this.sweeping, ...this.disconnects]);
    // Only a hub that served devices: a one-shot CLI command's gateway must not mark offline the devices
    // of a gateway running on the same database (on SQLite both are node 'local').
    if (this.endpoint) await this.deps.devices.forgetPreviousSessions();
  }

  private accept(socket: ConstructorParameters<typeof DeviceSession>[0]): void {
    const { deps } = this;
    if (this.isClosing) return socket.close(1001, 'gateway closing');
    const session = new DeviceSession(socket, {
      devices: deps.devices,
      messages: deps.messages,
      inbound: deps.inbound,
      webhooks: deps.webhooks,
      calls: deps.calls,
      heartbeatMs: deps.settings.heartbeatMs,
      maxInFlight: deps.settings.maxInFlight,
      helloTimeoutMs: deps.settings.helloTimeoutMs,
      now: () => deps.clock.now(),
      onWelcomed: (session) => this.welcomed(session),
      onClosed: (closed) => {
        this.accepted.delete(closed);
        this.closed(closed);
      },
      onReported: (session, isRequeued) => (isRequeued ? deps.onWork(session.project.id) : deps.onRoomFreed(session.project.id)),
      channelIdFor: async (projectId, application) => (await deps.channels.listForProject(projectId)).find((channel) => channel.kind === application)?.id ?? null,
      ...(deps.isProjectDeleted ? { isProjectDeleted: deps.isProjectDeleted } : {}),
      logError: deps.logError,
    });
    this.accepted.add(session);
  }

  private async welcomed(session: DeviceSession): Promise<void> {
    const previous = this.sessions.get(session.device.id);
    if (previous && previous !== session) {
      this.unregister(previous);
      previous.refuse('replaced', 'the device connected again');
    }
    this.sessions.set(session.device.id, session);
    let projectSessions = this.byProject.get(session.project.id);
    if (!projectSessions) this.byProject.set(session.project.id, (projectSessions = new Set()));
    projectSessions.add(session);
    const who = { projectId: session.project.id, deviceId: session.device.id, device: session.device.deviceKey, phoneName: session.device.phoneName };
    if (session.isPairedByLicense) this.deps.logInfo?.(who, 'device paired');
    this.deps.logInfo?.(who, 'device connected');
    // Resume: what the device held when it went away is sent again with the same msg_id (it deduplicates).
    for (const message of await this.deps.devices.heldMessages(session.device.id)) {
      session.sendMessage(await this.deps.frameFor(message));
    }
    // The conference it was placing, too: the device reports what became of its calls.
    for (const { conference, calls } of await this.deps.calls.heldBy(session.device.id)) session.sendCall(callFrame(conference, calls));
    this.deps.onWork(session.project.id);
  }

  private closed(session: DeviceSession): void {
    if (!session.isWelcomed || this.sessions.get(session.device.id) !== session) return;
    this.unregister(session);
    this.deps.logInfo?.({ projectId: session.project.id, deviceId: session.device.id, device: session.device.deviceKey }, 'device disconnected');
    const written = this.deps.devices.disconnected(session.device.id).catch((error: unknown) => this.deps.logError(error, 'device disconnect'));
    this.disconnects.add(written);
    void written.finally(() => this.disconnects.delete(written));
  }

  private unregister(session: DeviceSession): void {
    if (this.sessions.get(session.device.id) === session) this.sessions.delete(session.device.id);
    this.byProject.get(session.project.id)?.delete(session);
  }

  /** Drops silent sockets, and puts back in the queue what long-offline devices held. */
  private async sweep(): Promise<void> {
    const now = this.deps.clock.now();
    const { offlineAfterMs } = this.deps.settings;
    for (const session of this.sessions.values()) {
      if (now - session.lastFrameAt > offlineAfterMs) session.socket.terminate();
    }
    const projects = await this.deps.devices.requeueFromSilentDevices(now - offlineAfterMs, new Set(this.sessions.keys()));
    for (const projectId of projects) this.deps.onWork(projectId);
    // Devices that send nothing learn of a deletion made on another node here.
    const { isProjectDeleted } = this.deps;
    if (!isProjectDeleted) return;
    for (const projectId of this.connectedProjects()) if (await isProjectDeleted(projectId)) this.disconnectProject(projectId);
  }
}
