// Messages the phone received, kept from the moment they are handed to the agent until the gateway's
// `inbound_ack`: the gateway deduplicates by id, so the device resends them after every reconnect. At
// most a window of them is unacknowledged on the wire at once: a phone back from a long time offline
// must not flood the gateway (which disconnects a device with too many frames waiting).
import { randomBytes } from 'node:crypto';
import { parseDeviceFrame, type InboundFrame } from '../bridge/frames.js';
import { AgentInputError } from './agent-input-error.js';

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

const OPTIONAL_FIELDS = ['text', 'name', 'media_url', 'quoted_msg_id', 'location', 'contacts', 'payload', 'interactive', 'group_id', 'group_name', 'mentions'] as const;

/** Inbound messages sent and not yet acknowledged, at most, per session. */
export const INBOUND_WINDOW = 256;

export class InboundOutbox {
  private readonly pending = new Map<string, InboundFrame>();
  /** Ids not yet sent in this session, oldest first; `next` is the first of them still to send. */
  private unsent: string[] = [];
  private next = 0;
  private inFlight = new Set<string>();
  private counter = 0;
  // A random part keeps ids unique across restarts of the same device (the counter starts over).
  private readonly runId = randomBytes(4).toString('hex');

  constructor(
    private readonly deviceId: string,
    private readonly now: () => number,
  ) {}

  /** Builds the frame with a fresh id, checks it against the protocol and keeps it until acked. */
  add(input: InboundInput): InboundFrame {
    this.counter += 1;
    const frame = {
      type: 'inbound',
      id: `${this.deviceId}-${this.runId}-${this.counter}`,
      application: input.application,
      number: input.number,
      msg_type: input.type,
      at: this.now(),
      ...Object.fromEntries(OPTIONAL_FIELDS.filter((field) => input[field] !== undefined).map((field) => [field, input[field]])),
    };
    const parsed = parseDeviceFrame(JSON.stringify(frame));
    if ('problem' in parsed) throw new AgentInputError(`invalid inbound message: ${parsed.problem.detail}`);
    const checked = parsed.frame as InboundFrame;
    this.pending.set(checked.id, checked);
    this.unsent.push(checked.id);
    return checked;
  }

  /** The gateway stored it; true when it was still pending. */
  acknowledge(id: string): boolean {
    this.inFlight.delete(id);
    return this.pending.delete(id);
  }

  /** A new session: everything not acked is to be sent again, oldest first. */
  startSession(): void {
    this.unsent = [...this.pending.keys()];
    this.next = 0;
    this.inFlight.clear();
  }

  /** The messages to send now: not yet sent in this session, as many as the window has room for. */
  takeSendable(): InboundFrame[] {
    const frames: InboundFrame[] = [];
    while (this.inFlight.size < INBOUND_WINDOW && this.next < this.unsent.length) {
      const frame = this.pending.get(this.unsent[this.next++]!);
      if (!frame) continue;
      this.inFlight.add(frame.id);
      frames.push(frame);
    }
    // Drop the consumed head now and then, so the array does not grow for ever.
    if (this.next > 1024 && this.next * 2 > this.unsent.length) {
      this.unsent = this.unsent.slice(this.next);
      this.next = 0;
    }
    return frames;
  }

  get size(): number {
    return this.pending.size;
  }
}
