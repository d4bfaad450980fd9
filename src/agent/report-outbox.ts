// Delivery reports (`sent`, `delivered`, `failed`) kept until the gateway's `report_ack`: a report the
// gateway had not committed when it died or the socket broke is resent after the next welcome, a window
// at a time (a long disconnection must not end in a flood the gateway refuses).
import type { ReportFrame } from '../bridge/frames.js';
import { SendWindow } from './send-window.js';

/** Resent reports not yet acknowledged, at most. */
export const REPORT_RESEND_WINDOW = 256;

export class ReportOutbox {
  // One report per message, the newest: `delivered` implies `sent` at the gateway, so it replaces it.
  private readonly pending = new Map<string, ReportFrame>();
  private readonly window = new SendWindow(REPORT_RESEND_WINDOW);

  constructor(private readonly limit: number) {}

  add(report: ReportFrame): void {
    this.pending.delete(report.msg_id);
    this.pending.set(report.msg_id, report);
    // Map order is insertion order: when full, the oldest report is the one given up.
    if (this.pending.size > this.limit) this.pending.delete(this.pending.keys().next().value!);
  }

  /** The gateway committed this report; a newer report for the same message stays pending. */
  acknowledge(msgId: string, type: ReportFrame['type']): void {
    if (this.pending.get(msgId)?.type !== type) return;
    this.pending.delete(msgId);
    this.window.settle(msgId);
  }

  /** A new session: every report not acked is to be sent again, oldest first. */
  startSession(): void {
    this.window.restart(this.pending.keys());
  }

  /** Reports of the backlog to send again now, as many as the window has room for. */
  takeResendable(): ReportFrame[] {
    return this.window.take((msgId) => this.pending.has(msgId)).map((msgId) => this.pending.get(msgId)!);
  }

  clear(): void {
    this.pending.clear();
    this.window.clear();
  }

  get size(): number {
    return this.pending.size;
  }
}
