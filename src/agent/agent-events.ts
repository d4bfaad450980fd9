// What the agent tells its owner, one object per event: the CLI writes each as a JSON line on stdout,
// tests and benchmarks pass a callback. Field names follow the frames (snake_case).
import type { DeviceCommand } from '../bridge/frames.js';

export type AgentEvent =
  /** A session opened (after every `welcome`). */
  | { event: 'ready'; device_id: string; project_id: string }
  /** The driver sent a message to the phone's network. */
  | {
      event: 'message';
      msg_id: string;
      application: number;
      number: string;
      text: string;
      media_url: string;
      kind?: string;
      file_name?: string;
      priority?: number;
      /** The message asked for its number to be saved in the phone's contacts first. */
      create_contact?: boolean;
    }
  /** The gateway gave a command; the agent obeys it and answers `command_result`. */
  | { event: 'command'; command: DeviceCommand; command_id: string }
  /** The socket closed; the agent reconnects unless it was stopped or refused for good. */
  | { event: 'disconnected'; code: number; will_reconnect: boolean }
  /** The gateway refused the session (bad license, inactive project, replaced by another connection…). */
  | { event: 'refused'; reason: string; detail: string }
  /** The gateway answered one of our frames with `error`. */
  | { event: 'protocol_error'; reason: string; detail: string }
  /** The gateway sent something that is not a valid frame; it is ignored. */
  | { event: 'invalid_frame'; reason: string; detail: string }
  /** The driver started placing a conference. */
  | { event: 'call'; push_id: string; numbers: string[] }
  /** The modem driver's modem became ready, went away (it reopens the port), or has a SIM it cannot open. */
  | { event: 'modem'; state: 'ready' | 'disconnected' | 'sim_locked'; detail: string }
  /** The gateway stored an inbound message (`inbound_ack`). */
  | { event: 'inbound_acked'; id: string };

export type AgentEventSink = (event: AgentEvent) => void;
