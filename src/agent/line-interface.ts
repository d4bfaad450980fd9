// The agent's line interface (what `switchboard agent` speaks): every event is one JSON object per line
// on stdout, and stdin takes JSON lines — `{"inbound":{…}}` injects a received message, `{"status":{…}}`
// changes the phone's readings. A bad line is answered with an `input_error` line, never a crash.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { AgentEvent } from './agent-events.js';
import type { DeviceStatus } from './device-status.js';
import type { InboundInput } from './inbound-outbox.js';

/** Events the line interface adds to the agent's: the answers to stdin lines. */
export type LineEvent = AgentEvent | { event: 'inbound_accepted'; id: string } | { event: 'input_error'; detail: string };

/** What the input lines drive (a BridgeAgent). */
export interface LineTarget {
  injectInbound(input: InboundInput): string;
  setStatus(update: Partial<DeviceStatus>): void;
}

const INBOUND_FIELDS = new Set(['number', 'text', 'type', 'application', 'name', 'media_url', 'quoted_msg_id', 'location', 'contacts', 'payload', 'interactive', 'group_id', 'group_name', 'mentions']);

/** Turns events into lines for `write` (which adds the newline). */
export function eventLineWriter(write: (line: string) => void): (event: LineEvent) => void {
  return (event: LineEvent) => write(JSON.stringify(event));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Handles one input line; returns the event that answers it, if any. */
export function handleInputLine(target: LineTarget, line: string): LineEvent | undefined {
  if (line.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch (error) {
    return { event: 'input_error', detail: `not JSON: ${(error as Error).message}` };
  }
  if (!isObject(value)) return { event: 'input_error', detail: 'a line is a JSON object: {"inbound":{…}} or {"status":{…}}' };
  const keys = Object.keys(value);
  if (keys.length !== 1 || (keys[0] !== 'inbound' && keys[0] !== 'status')) {
    return { event: 'input_error', detail: `a line has exactly one key, inbound or status (got ${JSON.stringify(keys)})` };
  }
  try {
    if (keys[0] === 'status') {
      target.setStatus(value.status as Partial<DeviceStatus>);
      return undefined;
    }
    const inbound = value.inbound;
    if (!isObject(inbound)) return { event: 'input_error', detail: 'inbound must be a JSON object' };
    const unknown = Object.keys(inbound).filter((key) => !INBOUND_FIELDS.has(key));
    if (unknown.length > 0) return { event: 'input_error', detail: `inbound: unknown field ${unknown.join(', ')}` };
    return { event: 'inbound_accepted', id: target.injectInbound(inbound as unknown as InboundInput) };
  } catch (error) {
    return { event: 'input_error', detail: (error as Error).message };
  }
}

/** Reads JSON lines from `input` until it ends or close() is called. */
export function attachLineInput(target: LineTarget, input: Readable, writeEvent: (event: LineEvent) => void): { close(): void } {
  const lines = createInterface({ input, crlfDelay: Infinity });
  lines.on('line', (line) => {
    const answer = handleInputLine(target, line);
    if (answer) writeEvent(answer);
  });
  return {
    close() {
      lines.close();
    },
  };
}
