// The agent's side of calls: conferences it was given (deduplicated by push_id, the gateway sends one
// again after a reconnect), those held while the call queue is stopped, and member call reports kept
// until the gateway's `call_ack`, so that a phone offline mid-call reports the outcome when it is back.
import type { CallFrame, CallStatusFrame } from '../bridge/frames.js';
import type { OutgoingConference } from './driver.js';

export function outgoingConference(frame: CallFrame): OutgoingConference {
  return {
    pushId: frame.push_id,
    priority: frame.priority,
    isGatewayMuted: frame.mute_gateway,
    isRecorded: frame.record,
    members: frame.members.map((member) => ({ callId: member.call_id, number: member.number })),
  };
}

export class CallBook {
  private readonly known = new Set<string>();
  private held: OutgoingConference[] = [];
  /** The newest report of each call, until acknowledged. */
  private readonly reports = new Map<string, CallStatusFrame>();

  /** True the first time a conference is seen; a repeat is answered with the reports kept. */
  accept(conference: OutgoingConference): boolean {
    if (this.known.has(conference.pushId)) return false;
    this.known.add(conference.pushId);
    return true;
  }

  hold(conference: OutgoingConference): void {
    this.held.push(conference);
  }

  takeHeld(): OutgoingConference[] {
    const taken = this.held;
    this.held = [];
    return taken;
  }

  get heldCount(): number {
    return this.held.length;
  }

  keep(report: CallStatusFrame): void {
    this.reports.delete(report.call_id);
    this.reports.set(report.call_id, report);
  }

  acknowledge(callId: string, status: CallStatusFrame['status']): void {
    if (this.reports.get(callId)?.status === status) this.reports.delete(callId);
  }

  /** Reports not yet acknowledged, oldest first (sent again after every welcome). */
  pending(): CallStatusFrame[] {
    return [...this.reports.values()];
  }

  clear(): void {
    this.known.clear();
    this.held = [];
    this.reports.clear();
  }
}
