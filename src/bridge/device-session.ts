// One device connection: the hello/welcome handshake, then every frame the device sends, checked
// against the protocol schema and turned into message moves, heartbeats and inbound messages.
import type { CallService, Device, DeviceService, InboundDetails, InboundService, MessageService, Project, WebhookService } from '../core/index.js';
import { CALL_STATUSES, INBOUND_CALL_TYPE, PairingRefusedError, DEFAULT_DEVICE_DELAY_MS } from '../core/index.js';
import type { ConnectedDevice } from '../channels/bridge/index.js';
import { PROTOCOL_VERSIONS, parseDeviceFrame, type CallFrame, type CallStatusFrame, type InboundCallFrame, type DeviceFrame, type GatewayFrame, type HelloFrame, type GroupEventFrame, type InboundFrame, type ReportFrame, type SendFrame } from './frames.js';
import { TurnBatch } from './turn-batch.js';
import { WindowedDevice } from './windowed-device.js';
import type { DeviceSocket } from './websocket-server.js';

export interface SessionDeps {
  devices: DeviceService;
  messages: MessageService;
  inbound: InboundService;
  webhooks: WebhookService;
  calls: CallService;
  heartbeatMs: number;
  maxInFlight: number;
  /** A connection that has not said hello by then is closed: unauthenticated sockets must not linger. */
  helloTimeoutMs: number;
  now: () => number;
  /** Called once welcomed: the hub registers the session, resends held messages, wakes the dispatcher. */
  onWelcomed(session: DeviceSession): Promise<void>;
  onClosed(session: DeviceSession): void;
  /** A report freed room in the device's window (or put its message back in the queue): send more. */
  onReported(session: DeviceSession, isRequeued: boolean): void;
  channelIdFor(projectId: number, application: number): Promise<number | null>;
  /** Checked before each frame where another node may delete the project (PostgreSQL); absent on SQLite. */
  isProjectDeleted?(projectId: number): Promise<boolean>;
  logError(error: unknown, context: string): void;
}

const CLOSE_NORMAL = 1000;
const CLOSE_POLICY = 1008;
const TOUCH_EVERY_MS = 5000;
/** Reports for older messages are checked against the database instead. */
const MAX_HELD = 50_000;
/**
 * Frames received and not yet handled, at most: a device that floods the gateway is disconnected. A frame
 * counts one per FRAME_WEIGHT_BYTES it holds, so batch frames (`reports`) cannot queue far more work.
 */
const MAX_QUEUED_FRAMES = 2000;
const FRAME_WEIGHT_BYTES = 4096;
/**
 * Report moves of one device queued for the database and not yet committed, at most: past that the
 * session handles no more of its frames until some commit, so the frames wait (and count towards
 * MAX_QUEUED_FRAMES) instead of the shared write queue growing. A device holds at most its window of
 * messages (250 by default), each with a report or two outstanding, and resends at most 256 reports
 * after a reconnect.
 */
const MAX_PENDING_REPORTS = 1000;
/** Refused frames allowed per window before the device is disconnected as misbehaving. */
const MAX_REFUSED_FRAMES = 100;
const REFUSED_WINDOW_MS = 10_000;

export class DeviceSession extends WindowedDevice implements ConnectedDevice {
  device!: Device;
  project!: Project;
  isWelcomed = false;
  isClosed = false;
  private hasSaidHello = false;
  lastFrameAt: number;
  /** Messages handed to the device that may still get reports (sent, delivered), newest last. */
  private readonly held = new Set<number>();
  private lastTouchAt = 0;
  /** Frames are handled one at a time, in order: a `delivered` must not overtake its `sent`. */
  private chain: Promise<void> = Promise.resolve();
  private queuedFrames = 0;
  /** Version 2 sessions: sends and report acks of one turn leave as one frame each. */
  private batch: TurnBatch | undefined;
  private refusedFrames = 0;
  private refusedWindowStart = 0;
  /** Items refused in the `reports` frame being handled (undefined outside one). */
  private batchRefusals: number | undefined;
  /** Report moves queued and not yet committed (see MAX_PENDING_REPORTS). */
  private pendingReports = 0;
  private onReportRoom: (() => void) | undefined;
  /** The hello carried the project's license key (a pairing) rather than a device token (a reconnection). */
  isPairedByLicense = false;
  /** Resolves when the socket has closed (and onClosed has run). */
  readonly closed: Promise<void>;

  constructor(
    readonly socket: DeviceSocket,
    private readonly deps: SessionDeps,
  ) {
    super(deps.maxInFlight);
    this.lastFrameAt = deps.now();
    socket.onText((data) => {
      this.lastFrameAt = deps.now();
      if (this.queuedFrames >= MAX_QUEUED_FRAMES) {
        if (!this.isClosed) this.socket.terminate();
        return;
      }
      const weight = 1 + Math.floor(data.length / FRAME_WEIGHT_BYTES);
      this.queuedFrames += weight;
      this.chain = this.chain
        .then(() => this.handle(data))
        .catch((error: unknown) => deps.logError(error, 'device frame'))
        .finally(() => (this.queuedFrames -= weight));
    });
    const helloDeadline = setTimeout(() => {
      // Only silence is refused: a hello that arrived and is still being paired (a busy database) is not.
      if (!this.hasSaidHello && !this.isClosed) this.refuse('bad_hello', `no hello within ${deps.helloTimeoutMs} ms`);
    }, deps.helloTimeoutMs);
    helloDeadline.unref();
    this.closed = new Promise((resolve) => socket.onClose(() => resolve()));
    socket.onClose(() => {
      clearTimeout(helloDeadline);
      this.isClosed = true;
      deps.onClosed(this);
    });
  }

  protected isReachable(): boolean {
    return this.isWelcomed && !this.isClosed;
  }

  sendMessage(frame: SendFrame): void {
    const messageId = Number(frame.msg_id);
    this.countInFlight(messageId);
    this.hold(messageId);
    if (!this.batch) return this.send(frame);
    const { type: _type, ...item } = frame;
    this.batch.addSend(item);
  }

  private hold(messageId: number): void {
    this.held.add(messageId);
    if (this.held.size > MAX_HELD) this.held.delete(this.held.values().next().value!);
  }

  sendCall(frame: CallFrame): void {
    this.send(frame);
  }

  send(frame: GatewayFrame): void {
    this.batch?.flush();
    this.socket.send(JSON.stringify(frame));
  }

  /**
   * Answers a refused frame. A device that keeps sending them (a broken app, or an attack) is cut off:
   * checking each one costs the gateway work that other devices are waiting for.
   */
  private refuseFrame(reason: Extract<GatewayFrame, { type: 'error' }>['reason'], detail: string): void {
    this.send({ type: 'error', reason, detail });
    // The items of a `reports` frame are answered one by one but count as the one frame they came in.
    if (this.batchRefusals !== undefined) this.batchRefusals += 1;
    else this.countRefusal();
  }

  private countRefusal(): void {
    const now = this.deps.now();
    if (now - this.refusedWindowStart >= REFUSED_WINDOW_MS) {
      this.refusedWindowStart = now;
      this.refusedFrames = 0;
    }
    this.refusedFrames += 1;
    if (this.refusedFrames > MAX_REFUSED_FRAMES) {
      this.isClosed = true;
      this.socket.close(CLOSE_POLICY, 'too many refused frames');
    }
  }

  /** Its project was deleted: the device is refused at once, and nothing it sent after is handled. */
  projectDeleted(): void {
    if (this.isClosed) return;
    this.refuse('project_not_active', `project ${this.project.id} is deleted`);
    this.isClosed = true;
  }

  /** Ends the session with a reason the device can read. */
  refuse(reason: Extract<GatewayFrame, { type: 'refused' }>['reason'], detail: string): void {
    this.send({ type: 'refused', reason, detail });
    this.socket.close(reason === 'replaced' ? CLOSE_NORMAL : CLOSE_POLICY, reason);
  }

  private async handle(data: Buffer): Promise<void> {
    if (this.isClosed) return;
    const parsed = parseDeviceFrame(data);
    if ('problem' in parsed) {
      this.refuseFrame(parsed.problem.reason, parsed.problem.detail);
      return;
    }
    const frame = parsed.frame;
    if (frame.type === 'hello') {
      this.hasSaidHello = true;
      return this.hello(frame);
    }
    if (!this.isWelcomed) {
      this.refuseFrame('not_ready', 'send hello first');
      return;
    }
    // Its project deleted by another node (PostgreSQL): refused here, before the frame is acknowledged.
    if (this.deps.isProjectDeleted && (await this.deps.isProjectDeleted(this.project.id))) return this.projectDeleted();
    await this.dispatch(frame);
    const now = this.deps.now();
    if (now - this.lastTouchAt >= TOUCH_EVERY_MS && frame.type !== 'status') {
      this.lastTouchAt = now;
      await this.deps.devices.touch(this.device.id);
    }
  }

  private async hello(frame: HelloFrame): Promise<void> {
    if (this.isWelcomed) {
      this.refuseFrame('invalid_frame', 'hello was already accepted');
      return;
    }
    if (!PROTOCOL_VERSIONS.includes(frame.v)) return this.refuse('unsupported_version', `this gateway speaks versions ${PROTOCOL_VERSIONS.join(' and ')}`);
    if (!frame.license_key && !frame.device_token) return this.refuse('bad_hello', 'hello needs license_key or device_token');
    try {
      const pairing = await this.deps.devices.pair({
        licenseKey: frame.license_key,
        deviceToken: frame.device_token,
        deviceKey: frame.device_id,
        phoneName: frame.phone_name ?? '',
        appVersion: frame.app_version ?? '',
        applications: frame.applications,
        delayMs: frame.delay_ms ?? DEFAULT_DEVICE_DELAY_MS,
        maxCallMembers: frame.max_call_members ?? 5,
      });
      if (this.isClosed) return;
      this.device = pairing.device;
      this.project = pairing.project;
      this.isPairedByLicense = Boolean(frame.license_key);
      this.send({
        type: 'welcome',
        v: frame.v,
        device_id: pairing.device.deviceKey,
        device_token: pairing.deviceToken,
        project_id: String(pairing.project.id),
        delay_ms: pairing.device.delayMs,
        heartbeat_ms: this.deps.heartbeatMs,
        message_queue_paused: pairing.device.isMessageQueuePaused,
        call_queue_paused: pairing.device.isCallQueuePaused,
      });
      if (frame.v >= 2) this.batch = new TurnBatch((text) => this.socket.send(text));
      this.isWelcomed = true;
      await this.deps.onWelcomed(this);
    } catch (error) {
      if (error instanceof PairingRefusedError) return this.refuse(error.reason, error.message);
      throw error;
    }
  }

  private async dispatch(frame: Exclude<DeviceFrame, HelloFrame>): Promise<void> {
    switch (frame.type) {
      case 'status':
        this.device = { ...this.device, lastStatus: { battery: frame.battery, charging: frame.charging, wifi: frame.wifi, internet: frame.internet, signal: frame.signal, operator: frame.operator, freeDiskMb: frame.free_disk_mb, queueMessages: frame.queue_messages, queueCalls: frame.queue_calls, cloudRegistered: frame.cloud_registered } };
        await this.deps.devices.heartbeat(this.device.id, this.device.lastStatus);
        return;
      case 'ack':
        return;
      case 'reports':
        // After a long time offline a device resends up to 256 reports in one frame, all of them maybe on
        // messages since given to another device: refused one by one, counted as one refused frame.
        this.batchRefusals = 0;
        try {
          for (const report of frame.reports) await this.dispatch(report);
        } finally {
          const refusals = this.batchRefusals;
          this.batchRefusals = undefined;
          if (refusals > 0) this.countRefusal();
        }
        return;
      case 'sent':
        await this.report(frame, ['submitted']);
        return;
      case 'delivered':
        // Delivered implies sent: a lost `sent` must not strand the message in `sending`, so the move
        // passes through `submitted` when the message is still `sending` (see report). On PostgreSQL a
        // `sent` still uncommitted in another node's batch makes the conditional update conflict on the
        // row, and the move is evaluated again on the committed state.
        await this.report(frame, ['delivered']);
        return;
      case 'failed':
        await this.report(frame, [frame.retryable ? 'queued' : 'failed'], frame.reason || 'failed on the device');
        return;
      case 'inbound':
        await this.inbound(frame);
        return;
      case 'group_event':
        await this.groupEvent(frame);
        return;
      case 'command_result':
        return;
      case 'call_status':
        await this.callStatus(frame);
        return;
      case 'inbound_call':
        await this.inboundCall(frame);
        return;
    }
  }

  /**
   * Applies a device's report to a message it was given; reports on other messages are refused. The
   * moves are queued in order but not awaited, so one device's reports share transactions with everyone
   * else's instead of waiting for a commit each. A repeated report (the device resent it after a
   * reconnect) finds the message already moved, which is fine. `report_ack` goes out only once the
   * moves are committed: a report the gateway had not stored when it died is resent by the device.
   */
  private async report(frame: ReportFrame, moves: ('submitted' | 'delivered' | 'queued' | 'failed')[], error = ''): Promise<void> {
    const msgId = frame.msg_id;
    const messageId = Number(msgId);
    const settled = (): void => (this.batch ? this.batch.addAck({ msg_id: msgId, report: frame.type }) : this.send({ type: 'report_ack', msg_id: msgId, report: frame.type }));
    if (!this.held.has(messageId)) {
      const message = await this.deps.messages.get(messageId);
      if (!message || message.deviceId !== this.device.id) {
        this.refuseFrame('unknown_message', `message ${msgId} was not sent to this device`);
        // Acked all the same, so that the device stops resending a report nothing can apply.
        settled();
        return;
      }
    }
    if (this.pendingReports >= MAX_PENDING_REPORTS) await new Promise<void>((resolve) => (this.onReportRoom = resolve));
    this.release(messageId);
    if (moves.at(-1) !== 'submitted') this.held.delete(messageId);
    this.pendingReports += 1;
    const applied = moves.map((to) =>
      this.deps.messages.request({ messageId, to, error, ...(to === 'delivered' ? { via: 'submitted' as const } : {}) }).then(
        () => true,
        (failure: unknown) => {
          this.deps.logError(failure, `message ${msgId} → ${to}`);
          return false;
        },
      ),
    );
    // The dispatcher looks again once the moves are committed: a message put back in the queue must be
    // visible to its query, which on PostgreSQL runs on another connection.
    void Promise.all(applied).then((outcomes) => {
      this.pendingReports -= 1;
      const wake = this.onReportRoom;
      this.onReportRoom = undefined;
      wake?.();
      if (outcomes.every(Boolean) && !this.isClosed) settled();
      this.deps.onReported(this, moves.includes('queued'));
    });
  }

  private async inbound(frame: InboundFrame): Promise<void> {
    await this.deps.inbound.receive({
      projectId: this.project.id,
      deviceId: this.device.id,
      channelId: await this.deps.channelIdFor(this.project.id, frame.application),
      application: frame.application,
      externalId: frame.id,
      sender: frame.number,
      senderName: frame.name ?? '',
      type: frame.msg_type,
      text: frame.text ?? '',
      mediaUrl: frame.media_url ?? '',
      quotedMsgId: frame.quoted_msg_id ?? '',
      details: inboundDetails(frame),
      receivedAt: frame.at ?? this.deps.now(),
    });
    this.send({ type: 'inbound_ack', id: frame.id });
  }

  /** A member joined or left a group: reported to the event webhook once, acked like an inbound message. */
  private async groupEvent(frame: GroupEventFrame): Promise<void> {
    await this.deps.webhooks.groupEvent({
      projectId: this.project.id,
      deviceId: this.device.id,
      externalId: frame.id,
      application: frame.application,
      groupId: frame.group_id,
      groupSubject: frame.group_subject,
      number: frame.number,
      action: frame.action,
    });
    this.send({ type: 'inbound_ack', id: frame.id });
  }

  /**
   * A member call's progress. `call_ack` goes out once it is committed (or could never apply), so a
   * device that was offline mid-call resends its reports until they are acknowledged.
   */
  private async callStatus(frame: CallStatusFrame): Promise<void> {
    const report = { conferenceId: Number(frame.push_id), callId: Number(frame.call_id), status: CALL_STATUSES[frame.status], duration: frame.duration ?? 0, reason: frame.reason ?? '' };
    const outcome = await this.deps.calls.applyReport(this.device.id, report);
    if (outcome === 'unknown') this.refuseFrame('unknown_call', `call ${frame.call_id} of push ${frame.push_id} was not given to this device`);
    this.send({ type: 'call_ack', call_id: frame.call_id, status: frame.status });
  }

  /** A call the phone received or missed: stored like an inbound message, for the global webhook. */
  private async inboundCall(frame: InboundCallFrame): Promise<void> {
    await this.deps.inbound.receive({
      projectId: this.project.id,
      deviceId: this.device.id,
      channelId: await this.deps.channelIdFor(this.project.id, 4),
      application: 4,
      externalId: `call:${frame.id}`,
      sender: frame.number,
      senderName: frame.name ?? '',
      type: INBOUND_CALL_TYPE,
      text: '',
      mediaUrl: '',
      quotedMsgId: '',
      details: { call: { isMissed: frame.missed, duration: frame.duration ?? 0 } },
      receivedAt: frame.at ?? this.deps.now(),
    });
    this.send({ type: 'inbound_ack', id: frame.id });
  }

  close(): void {
    this.socket.close(CLOSE_NORMAL, 'gateway closing');
  }

  /** Resolves once every frame received so far has been handled (a closing gateway waits for it). */
  whenIdle(): Promise<void> {
    return this.chain;
  }
}

/** The type-specific parts of an inbound frame, under the domain's names; absent ones are left out. */
function inboundDetails(frame: InboundFrame): InboundDetails {
  const details: InboundDetails = {};
  if (frame.location) details.location = frame.location;
  if (frame.contacts) details.contacts = frame.contacts;
  if (frame.payload !== undefined) details.payload = frame.payload;
  if (frame.interactive) details.interactive = frame.interactive;
  if (frame.group_id) details.groupId = frame.group_id;
  if (frame.group_name !== undefined) details.groupName = frame.group_name;
  if (frame.mentions) details.mentions = frame.mentions;
  return details;
}
