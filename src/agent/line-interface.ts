// The agent's line interface (what `switchboard agent` speaks): every event is one JSON object per line
// on stdout, and stdin takes JSON lines — `{"inbound":{…}}` injects a received message,
// `{"group_event":{…}}` a group membership change, `{"inbound_call":{…}}` a received or missed call,
// `{"status":{…}}` changes the phone's readings. A bad line is answered with an `input_error` line, never a crash.
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { AgentEvent } from './agent-events.js';
import type { DeviceStatus } from './device-status.js';
import type { GroupEventInput, InboundCallInput, InboundInput } from './inbound-outbox.js';

/** Events the line interface adds to the agent's: the answers to stdin lines. */
export type LineEvent = AgentEvent | { event: 'inbound_accepted'; id: string } | { event: 'input_error'; detail: string };

/** What the input lines drive (a BridgeAgent). */
export interface LineTarget {
  injectInbound(input: InboundInput): string;
  injectGroupEvent(input: GroupEventInput): string;
  injectInboundCall(input: InboundCallInput): string;
  setStatus(update: Partial<DeviceStatus>): void;
}

const INBOUND_FIELDS = new Set(['number', 'text', 'type', 'application', 'name', 'media_url', 'quoted_msg_id', 'location', 'contacts', 'payload', 'interactive', 'group_id', 'group_name', 'mentions']);
const GROUP_EVENT_FIELDS = new Set(['application', 'group_id', 'group_subject', 'number', 'action']);

/** The lines that hand the gateway something kept until acknowledged: their fields, and the injection. */
const INJECTIONS: Record<string, { fields: Set<string>; inject(target: LineTarget, fields: Record<string, unknown>): string }> = {
  inbound: { fields: INBOUND_FIELDS, inject: (target, fields) => target.injectInbound(fields as unknown as InboundInput) },
  group_event: { fields: GROUP_EVENT_FIELDS, inject: (target, fields) => target.injectGroupEvent(fields as unknown as GroupEventInput) },
  inbound_call: { fields: new Set(['number', 'name', 'missed', 'duration']), inject: (target, fields) => target.injectInboundCall(fields as unknown as InboundCallInput) },
};
const LINE_KEYS = [...Object.keys(INJECTIONS), 'status'];

/**
 * Turns events into lines for `write` (which adds the newline). The lines of one turn of the event loop
 * go out in one write: a phone taking thousands of messages a second made a system call for each.
 */
export function eventLineWriter(write: (line: string) => void): (event: LineEvent) => void {
  let lines: string[] = [];
  return (event: LineEvent) => {
    lines.push(JSON.stringify(event));
    if (lines.length > 1) return;
    setImmediate(() => {
      const text = lines.join('\n');
      lines = [];
      write(text);
    });
  };
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
  if (!isObject(value)) return { event: 'input_error', detail: `a line is a JSON object with one key: ${LINE_KEYS.join(', ')}` };
  const keys = Object.keys(value);
  if (keys.length !== 1 || !LINE_KEYS.includes(keys[0]!)) {
    return { event: 'input_error', detail: `a line has exactly one key, ${LINE_KEYS.join(', ')} (got ${JSON.stringify(keys)})` };
  }
  try {
    if (keys[0] === 'status') {
      target.setStatus(value.status as Partial<DeviceStatus>);
      return undefined;
    }
    const key = keys[0]!;
    const injection = INJECTIONS[key]!;
    const fields = value[key];
    if (!isObject(fields)) return { event: 'input_error', detail: `${key} must be a JSON object` };
    const unknown = Object.keys(fields).filter((name) => !injection.fields.has(name));
    if (unknown.length > 0) return { event: 'input_error', detail: `${key}: unknown field ${unknown.join(', ')}` };
    return { event: 'inbound_accepted', id: injection.inject(target, fields) };
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
