// The reference bridge agent: one simulated (or, through a driver, real) phone speaking the device
// protocol to a gateway — hello, heartbeat, reconnects with backoff, deduplicated sends, commands and
// inbound messages kept until acked. Many can run in one process (tests, benchmarks).
import { MAX_FRAME_BYTES, PROTOCOL_VERSION, parseDeviceFrame, parseGatewayFrame, type CommandFrame, type DeviceFrame, type GatewayFrame, type HelloFrame, type ReportFrame } from '../bridge/frames.js';
import type { AgentEvent } from './agent-events.js';
import { AgentInputError } from './agent-input-error.js';
import { AgentRefusedError, type AgentEnd, type AgentState, type BridgeAgentOptions } from './bridge-agent-options.js';
import { bridgeUrl } from './bridge-url.js';
import { DEFAULT_STATUS, checkStatus, type DeviceStatus } from './device-status.js';
import { DeviceQueues } from './device-queues.js';
import { DEFAULT_LEDGER_LIMIT, DeliveryLedger } from './delivery-ledger.js';
import { AgentCalls } from './agent-calls.js';
import { outgoingMessage, type Driver, type DriverHost } from './driver.js';
import { InboundOutbox, type GroupEventInput, type InboundCallInput, type InboundInput } from './inbound-outbox.js';
import { DEFAULT_BACKOFF, ReconnectBackoff } from './reconnect-backoff.js';
import { ReportBatch, isBatchedReport } from './report-batch.js';
import { ReportOutbox } from './report-outbox.js';
import { SessionTimers } from './session-timers.js';
import { simulateDriver } from './simulate-driver.js';
import { openWebSocket, type WebSocketConnection } from './websocket-connection.js';

/** Refusals after which reconnecting cannot help. */
const FINAL_REFUSALS = new Set(['bad_hello', 'unsupported_version', 'bad_license', 'project_not_active', 'replaced']);
const APP_VERSION = 'switchboard-agent/0.1.0';

export class BridgeAgent {
  readonly deviceId: string;
  readonly url: string;
  private readonly hello: Omit<HelloFrame, 'license_key' | 'device_token' | 'v'>;
  /** The version said in hello: the newest, until a gateway refuses it (an older gateway speaks 1 only). */
  private helloVersion = PROTOCOL_VERSION;
  /** The version of the open session (the gateway's `welcome` says which). */
  private sessionVersion = 1;
  /** Version 2: acks and reports of one turn, sent as one `reports` frame. */
  private readonly reportBatch = new ReportBatch();
  private isBatchScheduled = false;
  private readonly licenseKey: string;
  private deviceToken: string | undefined;
  private projectId = '';
  private heartbeatMs = 0;
  private status: DeviceStatus;
  private readonly queues = new DeviceQueues();
  private readonly calls = new AgentCalls({
    send: (frame) => {
      if (this.isWelcomed) this.send(frame);
    },
    isCallQueuePaused: () => this.queues.isCallQueuePaused,
    driver: () => this.driver,
  });
  private readonly ledger: DeliveryLedger;
  private readonly outbox: InboundOutbox;
  /** Drivers waiting for the gateway to store a message they handed over (by frame id). */
  private readonly storedWaiters = new Map<string, (() => void)[]>();
  private readonly reports: ReportOutbox;
  private readonly backoff: ReconnectBackoff;
  private readonly timers = new SessionTimers();
  /** Other answers (`ack`, `command_result`) made while no session is open, sent after the next welcome. */
  private pendingAnswers: DeviceFrame[] = [];
  private connection: WebSocketConnection | undefined;
  private generation = 0;
  private isOpen = false;
  private lastError: string | undefined;
  private isWelcomed = false;
  private isRunning = false;
  private hasStarted = false;
  private isRestarting = false;
  private driver: Driver | undefined;
  private welcomeWaiter: { resolve: () => void; reject: (error: Error) => void } | undefined;
  private closeWaiters: (() => void)[] = [];
  private endResolve!: (end: AgentEnd) => void;
  private readonly ended = new Promise<AgentEnd>((resolve) => (this.endResolve = resolve));

  constructor(private readonly options: BridgeAgentOptions) {
    this.url = bridgeUrl(options.serverUrl);
    this.deviceId = options.deviceId;
    this.licenseKey = options.licenseKey;
    this.deviceToken = options.deviceToken;
    this.hello = {
      type: 'hello',
      device_id: options.deviceId,
      phone_name: options.phoneName ?? options.deviceId.slice(0, 64),
      app_version: options.appVersion ?? APP_VERSION,
      applications: (options.applications ?? [1, 2, 3]) as HelloFrame['applications'],
      delay_ms: options.delayMs ?? 10_000,
      ...(options.maxCallMembers !== undefined ? { max_call_members: options.maxCallMembers } : {}),
    };
    const checked = parseDeviceFrame(JSON.stringify({ ...this.hello, v: PROTOCOL_VERSION, license_key: options.licenseKey }));
    if ('problem' in checked) throw new AgentInputError(`invalid agent options: ${checked.problem.detail}`);
    this.status = {};
    this.applyStatus(options.status ?? DEFAULT_STATUS);
    this.ledger = new DeliveryLedger(options.dedupLimit);
    this.reports = new ReportOutbox(options.dedupLimit ?? DEFAULT_LEDGER_LIMIT);
    this.outbox = new InboundOutbox(options.deviceId, options.now ?? Date.now);
    this.backoff = new ReconnectBackoff({ ...DEFAULT_BACKOFF, ...options.backoff }, options.random);
  }

  /** Connects; resolves at the first `welcome`, rejects with AgentRefusedError if the gateway refuses for good. */
  start(): Promise<void> {
    if (this.hasStarted) return Promise.reject(new Error('a BridgeAgent starts once'));
    this.hasStarted = true;
    this.isRunning = true;
    this.driver = (this.options.driver ?? simulateDriver())(this.driverHost());
    const welcomed = new Promise<void>((resolve, reject) => (this.welcomeWaiter = { resolve, reject }));
    this.connect();
    return welcomed;
  }

  /** Closes the socket cleanly and stops for good: no reconnect, no timer left. */
  async stop(): Promise<void> {
    if (!this.isRunning) return;
    this.finish({});
    this.welcomeWaiter?.reject(new Error('the agent was stopped before the gateway welcomed it'));
    this.welcomeWaiter = undefined;
    await this.closeConnection(1000, 'agent stopped');
  }

  /** Resolves when the agent has stopped for good: stop(), or a refusal that reconnecting cannot fix. */
  whenEnded(): Promise<AgentEnd> {
    return this.ended;
  }

  /** Hands the gateway a message the phone received; it is resent after reconnects until acked. Returns its id. */
  injectInbound(input: InboundInput, stableId?: string): string {
    const frame = this.outbox.add(input, stableId);
    this.sendInbound();
    return frame.id;
  }

  /** Tells the gateway a member joined or left a group (sent and kept like an inbound message). Returns its id. */
  injectGroupEvent(input: GroupEventInput): string {
    const frame = this.outbox.addGroupEvent(input);
    this.sendInbound();
    return frame.id;
  }

  /** Tells the gateway the phone received or missed a call (kept until acked, like a message). Returns its id. */
  injectInboundCall(input: InboundCallInput): string {
    const frame = this.outbox.addInboundCall(input);
    this.sendInbound();
    return frame.id;
  }

  /** Changes what the heartbeat reports, and reports it at once. */
  setStatus(update: Partial<DeviceStatus>): void {
    this.applyStatus(update);
    this.sendStatus();
  }

  /** A snapshot for tests and benchmarks. */
  get state(): AgentState {
    return {
      isWelcomed: this.isWelcomed,
      isMessageQueuePaused: this.queues.isMessageQueuePaused,
      isCallQueuePaused: this.queues.isCallQueuePaused,
      dedupRecords: this.ledger.size,
      unackedInbound: this.outbox.size,
      unackedReports: this.reports.size,
      projectId: this.projectId,
    };
  }

  private connect(): void {
    const generation = ++this.generation;
    const isCurrent = () => generation === this.generation;
    this.isOpen = false;
    this.lastError = undefined;
    this.connection = (this.options.connect ?? openWebSocket)(
      this.url,
      {
        onOpen: () => {
          if (!isCurrent()) return;
          this.isOpen = true;
          const credentials = this.deviceToken ? { device_token: this.deviceToken } : { license_key: this.licenseKey };
          this.send({ ...this.hello, v: this.helloVersion, ...credentials } as HelloFrame);
        },
        onMessage: (text) => isCurrent() && this.handleText(text),
        onClose: (code) => isCurrent() && this.handleClose(code),
        // The close that always follows an error logs it, with the retry it leads to.
        onError: (error) => isCurrent() && (this.lastError = error.message),
      },
      { handshakeTimeoutMs: this.options.helloTimeoutMs ?? 10_000, maxPayloadBytes: MAX_FRAME_BYTES },
    );
    // A gateway that accepts the socket but never answers hello must not hold the device forever.
    this.timers.startHelloTimeout(this.options.helloTimeoutMs ?? 10_000, () => this.connection?.terminate());
  }

  private handleClose(code: number): void {
    const wasOpen = this.isOpen;
    this.connection = undefined;
    this.isOpen = false;
    this.isWelcomed = false;
    this.reportBatch.clear();
    this.timers.clearSession();
    const waiters = this.closeWaiters;
    this.closeWaiters = [];
    for (const resolve of waiters) resolve();
    if (wasOpen) this.emit({ event: 'disconnected', code, will_reconnect: this.isRunning });
    if (!this.isRunning) return;
    // A restart asked by the gateway is not a failure: come back at once, without growing the backoff.
    const delayMs = this.isRestarting ? 0 : this.backoff.nextDelayMs();
    this.isRestarting = false;
    const fields = { url: this.url, code, delay_ms: delayMs, ...(this.lastError ? { error: this.lastError } : {}) };
    this.lastError = undefined;
    if (wasOpen) this.log('info', fields, 'disconnected, reconnecting');
    else this.log('warn', fields, 'could not connect, retrying');
    this.timers.startReconnect(delayMs, () => this.connect());
  }

  private handleText(text: string): void {
    const parsed = parseGatewayFrame(text);
    if ('problem' in parsed) {
      this.emit({ event: 'invalid_frame', reason: parsed.problem.reason, detail: parsed.problem.detail });
      return;
    }
    this.handleFrame(parsed.frame);
  }

  private handleFrame(frame: GatewayFrame): void {
    switch (frame.type) {
      case 'welcome':
        return this.handleWelcome(frame);
      case 'refused':
        return this.handleRefused(frame.reason, frame.detail);
      case 'send':
        return this.handleSend(frame);
      case 'sends':
        for (const message of frame.messages) this.handleSend({ type: 'send', ...message });
        return;
      case 'report_ack':
        this.reports.acknowledge(frame.msg_id, frame.report);
        return this.resendReports();
      case 'report_acks':
        for (const { msg_id, report } of frame.reports) this.reports.acknowledge(msg_id, report);
        return this.resendReports();
      case 'inbound_ack':
        if (this.outbox.acknowledge(frame.id)) this.emit({ event: 'inbound_acked', id: frame.id });
        this.inboundStored(frame.id);
        this.sendInbound();
        return;
      case 'command':
        return this.handleCommand(frame);
      case 'error':
        return this.emit({ event: 'protocol_error', reason: frame.reason, detail: frame.detail });
      case 'call':
        return this.calls.take(frame);
      case 'call_ack':
        return this.calls.acknowledge(frame.call_id, frame.status);
    }
  }

  private handleWelcome(frame: Extract<GatewayFrame, { type: 'welcome' }>): void {
    this.timers.clearHelloTimeout();
    this.isWelcomed = true;
    this.sessionVersion = frame.v;
    this.deviceToken = frame.device_token;
    this.projectId = frame.project_id;
    this.heartbeatMs = frame.heartbeat_ms;
    this.backoff.reset();
    this.queues.isMessageQueuePaused = frame.message_queue_paused;
    this.queues.isCallQueuePaused = frame.call_queue_paused;
    this.emit({ event: 'ready', device_id: frame.device_id, project_id: frame.project_id });
    this.sendStatus();
    this.timers.startHeartbeat(this.heartbeatMs, () => this.sendStatus());
    const answers = this.pendingAnswers;
    this.pendingAnswers = [];
    for (const answer of answers) this.send(answer);
    this.reports.startSession();
    this.resendReports();
    this.calls.resend();
    this.outbox.startSession();
    this.sendInbound();
    if (!this.queues.isMessageQueuePaused) this.sendHeld();
    this.welcomeWaiter?.resolve();
    this.welcomeWaiter = undefined;
  }

  private handleRefused(reason: string, detail: string): void {
    this.emit({ event: 'refused', reason, detail });
    // A gateway older than this agent: speak its version 1 from now on.
    if (reason === 'unsupported_version' && this.helloVersion > 1) {
      this.helloVersion = 1;
      this.isRestarting = true;
      this.connection?.close(1000, 'refused');
      return;
    }
    // A stored device token may have been revoked while the license key still works: try the key once.
    if (reason === 'bad_license' && this.deviceToken && this.licenseKey) {
      this.deviceToken = undefined;
      this.connection?.close(1000, 'refused');
      return;
    }
    if (FINAL_REFUSALS.has(reason)) {
      this.finish({ refusal: { reason, detail } });
      this.welcomeWaiter?.reject(new AgentRefusedError(reason, detail));
      this.welcomeWaiter = undefined;
    }
    this.connection?.close(1000, 'refused');
  }

  private handleSend(frame: Extract<GatewayFrame, { type: 'send' }>): void {
    if (this.ledger.has(frame.msg_id)) {
      // Sent again (at-least-once): answer with what we know so the gateway can settle it; never resend.
      for (const report of this.ledger.replay(frame.msg_id)) this.report(report);
      return;
    }
    this.ledger.record(frame.msg_id, 'acked');
    this.report({ type: 'ack', msg_id: frame.msg_id });
    const message = outgoingMessage(frame);
    if (this.queues.isMessageQueuePaused) this.queues.hold(message);
    else this.driver?.send(message);
  }

  private handleCommand(frame: CommandFrame): void {
    const { command, command_id } = frame;
    this.emit({ event: 'command', command, command_id });
    const answer = (ok: boolean, detail?: string) => this.report({ type: 'command_result', command_id, ok, ...(detail ? { detail } : {}) });
    switch (command) {
      case 'restart':
        answer(true);
        this.isRestarting = true;
        this.connection?.close(1012, 'restart');
        return;
      case 'reset':
        // The gateway cancels this device's unsent messages itself; the device forgets everything.
        this.ledger.clear();
        this.reports.clear();
        this.queues.clearMessages();
        this.driver?.dropQueued?.();
        this.queues.clearCalls();
        this.calls.clear();
        break;
      case 'delete-message-queue':
        // Held messages were acked: tell the gateway they will never be sent, so it can settle (refund) them.
        for (const message of [...this.queues.clearMessages(), ...(this.driver?.dropQueued?.() ?? [])]) this.reportFailed(message.msgId, 'deleted from the device queue', false);
        break;
      case 'delete-call-queue':
        this.queues.clearCalls();
        this.calls.deleteHeld();
        break;
      case 'stop-message-queue':
      case 'resume-message-queue':
        this.queues.isMessageQueuePaused = command === 'stop-message-queue';
        if (!this.queues.isMessageQueuePaused) this.sendHeld();
        break;
      case 'stop-call-queue':
      case 'resume-call-queue':
        this.queues.isCallQueuePaused = command === 'stop-call-queue';
        if (!this.queues.isCallQueuePaused) this.calls.placeHeld();
        break;
      default:
        // The schema admits only known commands; a newer gateway's command is refused, not obeyed blindly.
        answer(false, `unknown command ${JSON.stringify(command)}`);
        return;
    }
    answer(true);
    this.sendStatus();
  }

  private resendReports(): void {
    if (this.isWelcomed) for (const report of this.reports.takeResendable()) this.send(report);
  }

  /** Sends waiting inbound messages, as many as the unacknowledged window allows. */
  private sendInbound(): void {
    if (!this.isWelcomed) return;
    for (const frame of this.outbox.takeSendable()) this.send(frame);
  }

  private sendHeld(): void {
    for (const message of this.queues.takeHeld()) this.driver?.send(message);
  }

  private driverHost(): DriverHost {
    return {
      sent: (msgId) => {
        this.ledger.record(msgId, 'sent');
        this.report({ type: 'sent', msg_id: msgId });
      },
      delivered: (msgId) => {
        this.ledger.record(msgId, 'delivered');
        this.report({ type: 'delivered', msg_id: msgId });
      },
      failed: (msgId, reason, retryable) => this.reportFailed(msgId, reason, retryable),
      received: (input, stableId) => this.whenStored(this.injectInbound(input, stableId)),
      callStatus: (conference, callId, status, duration, reason) => this.calls.report(conference, callId, status, duration, reason),
      status: (update) => this.setStatus(update),
      emit: (event) => this.emit(event),
    };
  }

  /** Resolves at the gateway's `inbound_ack` for `id` (never, if the agent stops first). */
  private whenStored(id: string): Promise<void> {
    return new Promise((resolve) => {
      const waiting = this.storedWaiters.get(id);
      if (waiting) waiting.push(resolve);
      else this.storedWaiters.set(id, [resolve]);
    });
  }

  private inboundStored(id: string): void {
    const waiting = this.storedWaiters.get(id);
    if (!waiting) return;
    this.storedWaiters.delete(id);
    for (const resolve of waiting) resolve();
  }

  private reportFailed(msgId: string, reason: string, retryable: boolean): void {
    // A retryable failure goes back to the gateway's queue and may come back with the same msg_id: try it then.
    if (retryable) this.ledger.forget(msgId);
    else this.ledger.record(msgId, 'failed', reason);
    this.report({ type: 'failed', msg_id: msgId, reason: reason.slice(0, 500), retryable });
  }

  private applyStatus(update: Partial<DeviceStatus>): void {
    // The queue sizes are the local queues' (simulated backlogs here), so that the queue commands clear them.
    const { queue_messages, queue_calls, ...readings } = checkStatus(update);
    this.queues.setBacklogs({ queue_messages, queue_calls });
    this.status = { ...this.status, ...readings };
  }

  private sendStatus(): void {
    if (this.isWelcomed) this.send({ type: 'status', ...this.status, ...this.queues.sizes() });
  }

  /**
   * A delivery report or command answer: sent now if a session is open. Delivery reports are also kept
   * until acked (resent after each welcome); other answers wait for the next welcome only if unsent.
   */
  private report(frame: DeviceFrame): void {
    if (isReport(frame)) this.reports.add(frame);
    if (this.isWelcomed) return this.send(frame);
    if (isReport(frame)) return;
    this.pendingAnswers.push(frame);
    if (this.pendingAnswers.length > (this.options.dedupLimit ?? DEFAULT_LEDGER_LIMIT)) this.pendingAnswers.shift();
  }

  private send(frame: DeviceFrame): void {
    if (this.sessionVersion >= 2 && this.isWelcomed && isBatchedReport(frame)) {
      this.reportBatch.add(frame);
      if (!this.isBatchScheduled) {
        this.isBatchScheduled = true;
        setImmediate(() => {
          this.isBatchScheduled = false;
          this.flushReports();
        });
      }
      return;
    }
    // Frames keep their order: what the batch holds goes first.
    this.flushReports();
    this.connection?.send(JSON.stringify(frame));
  }

  private flushReports(): void {
    if (this.reportBatch.isEmpty) return;
    for (const frame of this.reportBatch.take()) this.connection?.send(JSON.stringify(frame));
  }

  private finish(end: AgentEnd): void {
    this.isRunning = false;
    this.timers.clearAll();
    this.driver?.close();
    this.endResolve(end);
  }

  private closeConnection(code: number, reason: string): Promise<void> {
    const connection = this.connection;
    if (!connection) return Promise.resolve();
    const closed = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    connection.close(code, reason);
    // A gateway that does not answer the closing handshake is dropped.
    const timer = setTimeout(() => connection.terminate(), 2_000);
    return closed.finally(() => clearTimeout(timer));
  }

  private emit(event: AgentEvent): void {
    this.options.onEvent?.(event);
  }

  private log(level: 'info' | 'warn', fields: object, message: string): void {
    this.options.log?.[level]({ device_id: this.deviceId, ...fields }, message);
  }
}

function isReport(frame: DeviceFrame): frame is ReportFrame {
  return frame.type === 'sent' || frame.type === 'delivered' || frame.type === 'failed';
}
