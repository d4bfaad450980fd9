// The seam between the agent (protocol, deduplication, queues) and what actually sends messages: the
// `simulate` driver today, a GSM modem or an Android phone later.
import type { SendFrame } from '../bridge/frames.js';
import type { AgentEvent } from './agent-events.js';
import type { DeviceStatus } from './device-status.js';
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
  /** Save `number` in the phone's contacts before sending (the push's `createcontact`). */
  createContact: boolean;
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
    createContact: frame.create_contact === true,
  };
}

/** A conference the gateway asked the phone to place (a `call` frame). */
export interface OutgoingConference {
  pushId: string;
  priority: number;
  /** Future scope: a driver that cannot honour these says so in its call reports' `reason`. */
  isGatewayMuted: boolean;
  isRecorded: boolean;
  members: { callId: string; number: string }[];
}

export type CallProgress = 'scheduled' | 'in_progress' | 'completed' | 'cancelled';

/** What a driver may tell the agent; the agent turns it into frames and events. */
export interface DriverHost {
  /** The phone sent the message (frame `sent`). */
  sent(msgId: string): void;
  /** The recipient's phone received it (frame `delivered`). */
  delivered(msgId: string): void;
  /** It could not be sent; `retryable` puts it back in the gateway's queue (frame `failed`). */
  failed(msgId: string, reason: string, retryable: boolean): void;
  /**
   * The phone received a message (frame `inbound`). Resolves once the gateway has stored it (its
   * `inbound_ack`): a driver that keeps the message somewhere (a modem's SIM) may delete it then. `stableId`:
   * the driver's own id for it, the same when it is read again after a restart (the gateway stores it once).
   */
  received(message: InboundInput, stableId?: string): Promise<void>;
  /** A member call moved on (frame `call_status`); `duration` in seconds for a completed call. */
  callStatus(conference: OutgoingConference, callId: string, status: CallProgress, duration?: number, reason?: string): void;
  /** The phone's own readings changed (a modem's signal, operator, battery): the heartbeat reports them. */
  status(update: Partial<DeviceStatus>): void;
  /** Writes an event line (`{"event":"message",…}`). */
  emit(event: AgentEvent): void;
}

export interface Driver {
  readonly name: string;
  /** Sends one message the agent accepted; progress comes back through the host. */
  send(message: OutgoingMessage): void;
  /** Places a conference; a driver without calls reports every member cancelled. */
  call?(conference: OutgoingConference): void;
  /** Takes back the messages it accepted but has not handed to the network yet (a modem waiting to be plugged back). */
  dropQueued?(): OutgoingMessage[];
  /** Stops pending work (timers, a modem session); the agent is stopping. */
  close(): void;
}

export type DriverFactory = (host: DriverHost) => Driver;
