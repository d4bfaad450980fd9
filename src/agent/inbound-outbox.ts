// Messages the phone received, kept from the moment they are handed to the agent until the gateway's
// `inbound_ack`: the gateway deduplicates by id, so the device resends them after every reconnect. At
// most a window of them is unacknowledged on the wire at once: a phone back from a long time offline
// must not flood the gateway (which disconnects a device with too many frames waiting).
import { randomBytes } from 'node:crypto';
import { parseDeviceFrame, type GroupEventFrame, type InboundCallFrame, type InboundFrame } from '../bridge/frames.js';
import { AgentInputError } from './agent-input-error.js';
import { SendWindow } from './send-window.js';

/** A received message, as given on stdin (`{"inbound":{…}}`) or by a driver. */
export interface InboundInput {
  number: string;
  text?: string;
  /** The frame's `msg_type`: 1 text, 2 image, 3 video, 4 audio, 5 location, 6 document, 7 contact, 9 interactive reply. */
  type: number;
  application: number;
  name?: string;
  media_url?: string;
  quoted_msg_id?: string;
  /** Type-specific parts, passed on as the protocol names them (location, contacts, payload, interactive, group_id, group_name, mentions). */
  location?: InboundFrame['location'];
  contacts?: InboundFrame['contacts'];
  payload?: string;
  interactive?: InboundFrame['interactive'];
  group_id?: string;
  group_name?: string;
  mentions?: string[];
}

/** A member joining (action 1) or leaving (2) a group, as given on stdin (`{"group_event":{…}}`). */
export interface GroupEventInput {
  application: number;
  group_id: string;
  group_subject: string;
  number: string;
  action: number;
}

/** What the outbox keeps until the gateway's `inbound_ack`. */
type Acknowledged = InboundFrame | GroupEventFrame | InboundCallFrame;

/** A call the phone received or missed. */
export interface InboundCallInput {
  number: string;
  name?: string;
  missed: boolean;
  /** Seconds, for an answered call. */
  duration?: number;
}

const OPTIONAL_FIELDS = ['text', 'name', 'media_url', 'quoted_msg_id', 'location', 'contacts', 'payload', 'interactive', 'group_id', 'group_name', 'mentions'] as const;

/** Inbound messages sent and not yet acknowledged, at most, per session. */
export const INBOUND_WINDOW = 256;
/**
 * Their size, at most: the gateway weighs waiting frames by size (one per 4 KB, 2 000 at most), so a
 * window of long texts after a reconnect would otherwise have the device disconnected as a flood.
 */
export const INBOUND_WINDOW_BYTES = 2 * 1024 * 1024;

export class InboundOutbox {
  private readonly pending = new Map<string, Acknowledged>();
  private readonly bytes = new Map<string, number>();
  private readonly window = new SendWindow(INBOUND_WINDOW, INBOUND_WINDOW_BYTES, (id) => this.bytes.get(id) ?? 0);
  private counter = 0;
  // A random part keeps ids unique across restarts of the same device (the counter starts over).
  private readonly runId = randomBytes(4).toString('hex');

  constructor(
    private readonly deviceId: string,
    private readonly now: () => number,
  ) {}

  /**
   * Builds the frame, checks it against the protocol and keeps it until acked. Its id is fresh, or `stableId`:
   * a driver's own id for the message (a modem's, from its PDUs), the same when the message is read again
   * after a restart, so that the gateway stores it once. A stable id already waiting for its ack is not added twice.
   */
  add(input: InboundInput, stableId?: string): InboundFrame {
    const waiting = stableId === undefined ? undefined : this.pending.get(stableId);
    if (waiting) return waiting as InboundFrame;
    const frame = {
      type: 'inbound',
      id: stableId ?? this.newId(),
      application: input.application,
      number: input.number,
      msg_type: input.type,
      at: this.now(),
      ...Object.fromEntries(OPTIONAL_FIELDS.filter((field) => input[field] !== undefined).map((field) => [field, input[field]])),
    };
    return this.keep(frame, 'inbound message') as InboundFrame;
  }

  /** A group membership change, kept and acknowledged like a received message. */
  addGroupEvent(input: GroupEventInput): GroupEventFrame {
    const { application, group_id, group_subject, number, action } = input;
    return this.keep({ type: 'group_event', id: this.newId(), application, group_id, group_subject, number, action }, 'group event') as GroupEventFrame;
  }

  /** A received or missed call, kept and acknowledged like a received message. */
  addInboundCall(input: InboundCallInput): InboundCallFrame {
    const frame = { type: 'inbound_call', id: this.newId(), number: input.number, missed: input.missed, at: this.now(), ...(input.name !== undefined ? { name: input.name } : {}), ...(input.duration !== undefined ? { duration: input.duration } : {}) };
    return this.keep(frame, 'inbound call') as InboundCallFrame;
  }

  private newId(): string {
    this.counter += 1;
    return `${this.deviceId}-${this.runId}-${this.counter}`;
  }

  private keep(frame: object, what: string): Acknowledged {
    const parsed = parseDeviceFrame(JSON.stringify(frame));
    if ('problem' in parsed) throw new AgentInputError(`invalid ${what}: ${parsed.problem.detail}`);
    const checked = parsed.frame as Acknowledged;
    this.pending.set(checked.id, checked);
    this.bytes.set(checked.id, Buffer.byteLength(JSON.stringify(checked)));
    this.window.push(checked.id);
    return checked;
  }

  /** The gateway stored it; true when it was still pending. */
  acknowledge(id: string): boolean {
    this.window.settle(id);
    this.bytes.delete(id);
    return this.pending.delete(id);
  }

  /** A new session: everything not acked is to be sent again, oldest first. */
  startSession(): void {
    this.window.restart(this.pending.keys());
  }

  /** The messages to send now: not yet sent in this session, as many as the window has room for. */
  takeSendable(): Acknowledged[] {
    return this.window.take((id) => this.pending.has(id)).map((id) => this.pending.get(id)!);
  }

  get size(): number {
    return this.pending.size;
  }
}
