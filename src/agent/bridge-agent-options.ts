// What a BridgeAgent is built from, and what it reports when it ends.
import type { AgentEventSink } from './agent-events.js';
import type { DeviceStatus } from './device-status.js';
import type { DriverFactory } from './driver.js';
import type { BackoffSettings } from './reconnect-backoff.js';
import type { Connect } from './websocket-connection.js';

/** The pino subset the agent logs through (stderr in the CLI); silent when absent. */
export interface AgentLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface BridgeAgentOptions {
  /** The gateway: `http(s)://host[:port]` (as in a pairing QR code) or a `ws(s)://…/bridge/v1` URL. */
  serverUrl: string;
  licenseKey: string;
  /** Stable id of this device: 1–64 of `A-Z a-z 0-9 . _ : -`. */
  deviceId: string;
  /** A token from an earlier `welcome`; used instead of the license key when given. */
  deviceToken?: string;
  /** Pause the gateway must leave between two messages to this device (default 10 000 ms). */
  delayMs?: number;
  /** Applications this phone carries (default 1, 2, 3). */
  applications?: number[];
  /** Members this phone can join in one call (default 5; 0: it cannot place conferences). */
  maxCallMembers?: number;
  /** Default: the device id. */
  phoneName?: string;
  appVersion?: string;
  /** What sends the messages (default the simulate driver, delivered right after sent). */
  driver?: DriverFactory;
  /** Receives every event (`ready`, `message`, `command`, `disconnected`, `refused`…). */
  onEvent?: AgentEventSink;
  log?: AgentLog;
  /** Reconnect waits (default 100 ms doubling to 5 s, half of each wait random). */
  backoff?: Partial<BackoffSettings>;
  /** How many msg_ids the deduplication record keeps (default 100 000). */
  dedupLimit?: number;
  /** Time allowed from connecting to `welcome` before the attempt is dropped (default 10 000 ms). */
  helloTimeoutMs?: number;
  /** The phone's first readings (default: full battery on Wi-Fi). */
  status?: DeviceStatus;
  now?: () => number;
  random?: () => number;
  /** Opens the WebSocket; tests may replace it. */
  connect?: Connect;
}

export class AgentRefusedError extends Error {
  constructor(
    readonly reason: string,
    readonly detail: string,
  ) {
    super(`the gateway refused the device: ${reason}${detail ? ` (${detail})` : ''}`);
    this.name = 'AgentRefusedError';
  }
}

export interface AgentEnd {
  /** Set when a refusal ended the agent; absent after stop(). */
  refusal?: { reason: string; detail: string };
}

export interface AgentState {
  isWelcomed: boolean;
  isMessageQueuePaused: boolean;
  isCallQueuePaused: boolean;
  dedupRecords: number;
  unackedInbound: number;
  /** Delivery reports not yet acknowledged by the gateway (resent after each welcome). */
  unackedReports: number;
  projectId: string;
}
