// The agent's side of calls: conferences it was given (deduplicated by push_id, the gateway sends one
// again after a reconnect), those held while the call queue is stopped, and member call reports kept
// until the gateway's `call_ack`, so that a phone offline mid-call reports the outcome when it is back.
import type { CallFrame, CallStatusFrame } from '../bridge/frames.js';
import type { CallProgress, Driver, OutgoingConference } from './driver.js';

export function outgoingConference(frame: CallFrame): OutgoingConference {
  return {
    pushId: frame.push_id,
    priority: frame.priority,
    isGatewayMuted: frame.mute_gateway,
    isRecorded: frame.record,
    members: frame.members.map((member) => ({ callId: member.call_id, number: member.number })),
  };
}

export interface AgentCallsHost {
  /** Sends a frame when a session is open (reports are kept either way). */
  send(frame: CallStatusFrame): void;
  isCallQueuePaused(): boolean;
  driver(): Driver | undefined;
}

/** Push ids remembered to recognise a conference sent again; the oldest are forgotten past this. */
const MAX_KNOWN_CONFERENCES = 10_000;

export class AgentCalls {
  private readonly known = new Set<string>();
  private held: OutgoingConference[] = [];
  /** The newest report of each call, until acknowledged. */
  private readonly reports = new Map<string, CallStatusFrame>();

  constructor(private readonly host: AgentCallsHost) {}

  /** A `call` frame: placed once per push_id (a repeat gets the reports kept), held while calls are stopped. */
  take(frame: CallFrame): void {
    const conference = outgoingConference(frame);
    if (this.known.has(conference.pushId)) {
      for (const report of this.reports.values()) if (report.push_id === frame.push_id) this.host.send(report);
      return;
    }
    this.known.add(conference.pushId);
    // A long-running agent must not grow for ever; the gateway only resends conferences still being placed.
    if (this.known.size > MAX_KNOWN_CONFERENCES) this.known.delete(this.known.values().next().value!);
    if (this.host.isCallQueuePaused()) this.held.push(conference);
    else this.place(conference);
  }

  /** The driver (or the agent) reports a member call; kept until `call_ack`. */
  report(conference: OutgoingConference, callId: string, status: CallProgress, duration?: number, reason?: string): void {
    const frame: CallStatusFrame = { type: 'call_status', push_id: conference.pushId, call_id: callId, status, ...(duration !== undefined ? { duration } : {}), ...(reason ? { reason: reason.slice(0, 500) } : {}) };
    this.reports.delete(callId);
    this.reports.set(callId, frame);
    this.host.send(frame);
  }

  acknowledge(callId: string, status: CallStatusFrame['status']): void {
    if (this.reports.get(callId)?.status === status) this.reports.delete(callId);
  }

  /** After a welcome: every report not yet acknowledged, oldest first. */
  resend(): void {
    for (const report of this.reports.values()) this.host.send(report);
  }

  /** `resume-call-queue`: places the conferences held meanwhile. */
  placeHeld(): void {
    for (const conference of this.takeHeld()) this.place(conference);
  }

  /** `delete-call-queue`: held conferences were handed over, so the gateway hears they will never be placed. */
  deleteHeld(): void {
    for (const conference of this.takeHeld()) for (const member of conference.members) this.report(conference, member.callId, 'cancelled', 0, 'deleted from the device call queue');
  }

  clear(): void {
    this.known.clear();
    this.held = [];
    this.reports.clear();
  }

  private takeHeld(): OutgoingConference[] {
    const taken = this.held;
    this.held = [];
    return taken;
  }

  private place(conference: OutgoingConference): void {
    const driver = this.host.driver();
    if (driver?.call) driver.call(conference);
    else for (const member of conference.members) this.report(conference, member.callId, 'cancelled', 0, `the ${driver?.name ?? ''} driver cannot place calls`);
  }
}
