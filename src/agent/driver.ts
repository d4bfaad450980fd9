// The seam between the agent (protocol, deduplication, queues) and what actually sends messages: the
// `simulate` driver today, a GSM modem or an Android phone later.
import type { SendFrame } from '../bridge/frames.js';
import type { AgentEvent } from './agent-events.js';
import type { InboundInput } from './inbound-outbox.js';

/** A message the gateway asked the device to send (a `send` frame, in the agent's words). */
export interface OutgoingMessage {
  msgId: string;
  application: 1 | 2 | 3 | 4;
  number: string;
  kind: string;
  text: string;
  mediaUrl: string;
  mediaHash: string;
  fileName: string;
  priority: number;
}

export function outgoingMessage(frame: SendFrame): OutgoingMessage {
  return {
    msgId: frame.msg_id,
    application: frame.application,
    number: frame.number,
    kind: frame.kind,
    text: frame.text,
    mediaUrl: frame.media_url,
    mediaHash: frame.media_hash,
    fileName: frame.file_name,
    priority: frame.priority,
  };
}

/** What a driver may tell the agent; the agent turns it into frames and events. */
export interface DriverHost {
  /** The phone sent the message (frame `sent`). */
  sent(msgId: string): void;
  /** The recipient's phone received it (frame `delivered`). */
  delivered(msgId: string): void;
  /** It could not be sent; `retryable` puts it back in the gateway's queue (frame `failed`). */
  failed(msgId: string, reason: string, retryable: boolean): void;
  /** The phone received a message (frame `inbound`). */
  received(message: InboundInput): void;
  /** Writes an event line (`{"event":"message",…}`). */
  emit(event: AgentEvent): void;
}

export interface Driver {
  readonly name: string;
  /** Sends one message the agent accepted; progress comes back through the host. */
  send(message: OutgoingMessage): void;
  /** Stops pending work (timers, a modem session); the agent is stopping. */
  close(): void;
}

export type DriverFactory = (host: DriverHost) => Driver;
