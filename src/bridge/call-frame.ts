// The `call` frame of a conference: what a device needs to place it (first dispatch, and again after a
// reconnect: the device deduplicates by push_id).
import type { Conference, MemberCall } from '../core/index.js';
import type { CallFrame } from './frames.js';

export function callFrame(conference: Conference, calls: readonly MemberCall[]): CallFrame {
  return {
    type: 'call',
    push_id: String(conference.id),
    priority: conference.priority,
    mute_gateway: conference.isGatewayMuted,
    record: conference.isRecorded,
    members: calls.map((call) => ({ call_id: String(call.id), number: call.number })),
  };
}
