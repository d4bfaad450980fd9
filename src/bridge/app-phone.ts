// One phone running the SMS Gateway for Android app, as the dispatcher sees it: present while its event
// stream is open or it polled recently, paced and windowed like a bridge device, told of new work by a
// server-sent event. The messages themselves stay in the database until the phone fetches them.
import type { Device, Project } from '../core/index.js';
import type { ConnectedDevice } from '../channels/bridge/index.js';
import type { CallFrame, SendFrame } from './frames.js';
import { WindowedDevice } from './windowed-device.js';

/** Where the phone's open event streams (`GET /events`) are written. */
export interface EventSink {
  /** Writes one chunk; false once the connection is gone. */
  write(text: string): boolean;
  end(): void;
}

export interface AppPhoneSettings {
  maxInFlight: number;
  /** A phone without an open event stream counts as present this long after its last request. */
  presenceMs: number;
}

/** The event the app answers by fetching its pending messages (`GET /message`). */
export const MESSAGE_ENQUEUED_EVENT = 'event: MessageEnqueued\ndata: {}\n\n';
/** The event the app answers by fetching its webhook list again (`GET /webhooks`). */
export const WEBHOOKS_UPDATED_EVENT = 'event: WebhooksUpdated\ndata: {}\n\n';
/** An SSE comment line: keeps proxies and the app's read timeout (30 s) from closing an idle stream. */
export const KEEPALIVE_EVENT = ':keepalive\n\n';

export class AppPhone extends WindowedDevice implements ConnectedDevice {
  lastRequestAt: number;
  /** The phone said it took these (state Processed or later): `GET /message` does not list them again. */
  private readonly taken = new Set<number>();
  private readonly sinks = new Set<EventSink>();
  private isNotifyScheduled = false;
  isClosed = false;

  constructor(
    public device: Device,
    readonly project: Project,
    private readonly settings: AppPhoneSettings,
    now: number,
  ) {
    super(settings.maxInFlight);
    this.lastRequestAt = now;
  }

  isPresent(now: number): boolean {
    return !this.isClosed && (this.sinks.size > 0 || now - this.lastRequestAt < this.settings.presenceMs);
  }

  get hasStream(): boolean {
    return this.sinks.size > 0;
  }

  protected isReachable(now: number): boolean {
    return this.isPresent(now);
  }

  /** What the database says the phone holds (after a restart of the gateway): counted in its window. */
  holds(messageIds: readonly number[]): void {
    for (const id of messageIds) this.countInFlight(id);
  }

  /** The message is in `sending` for this phone in the database: tell the phone to come and fetch it. */
  sendMessage(frame: SendFrame): void {
    this.countInFlight(Number(frame.msg_id));
    this.notify();
  }

  /** App phones carry SMS only (applications [3]), so the call dispatcher never picks one. */
  sendCall(_frame: CallFrame): void {
    throw new Error('a phone running the SMS Gateway for Android app cannot place calls');
  }

  /** Handed messages not yet reported sent or failed. */
  get isHolding(): boolean {
    return this.inFlightCount > 0;
  }

  wasTaken(messageId: number): boolean {
    return this.taken.has(messageId);
  }

  /** The phone reported the message Processed (it queued it locally). */
  markTaken(messageId: number): void {
    this.taken.add(messageId);
  }

  /** The phone reported the message sent or failed: room in its window. */
  settle(messageId: number): void {
    this.release(messageId);
    this.taken.delete(messageId);
  }

  addSink(sink: EventSink): void {
    this.sinks.add(sink);
    // The app otherwise syncs its webhooks at start and then daily: a gateway whose address changed (or a
    // phone that lost its list) has the received-SMS webhook right again at each connection.
    sink.write(WEBHOOKS_UPDATED_EVENT);
  }

  removeSink(sink: EventSink): void {
    this.sinks.delete(sink);
  }

  /** One event for every hand-over of the same moment: the app fetches all pending messages at once. */
  notify(): void {
    if (this.isNotifyScheduled || this.sinks.size === 0) return;
    this.isNotifyScheduled = true;
    setImmediate(() => {
      this.isNotifyScheduled = false;
      this.writeAll(MESSAGE_ENQUEUED_EVENT);
    });
  }

  keepAlive(): void {
    this.writeAll(KEEPALIVE_EVENT);
  }

  /** Ends every stream (gateway closing, project deleted, device replaced); the app reconnects. */
  close(): void {
    this.isClosed = true;
    for (const sink of [...this.sinks]) sink.end();
    this.sinks.clear();
  }

  private writeAll(text: string): void {
    for (const sink of [...this.sinks]) if (!sink.write(text)) this.sinks.delete(sink);
  }
}
