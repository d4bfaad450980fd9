// Delivery reports (`sent`, `delivered`, `failed`) kept until the gateway's `report_ack`: a report the
// gateway had not committed when it died or the socket broke is resent after the next welcome, a window
// at a time (a long disconnection must not end in a flood the gateway refuses).
import type { ReportFrame } from '../bridge/frames.js';

/** Resent reports not yet acknowledged, at most. */
export const REPORT_RESEND_WINDOW = 256;

export class ReportOutbox {
  // One report per message, the newest: `delivered` implies `sent` at the gateway, so it replaces it.
  private readonly pending = new Map<string, ReportFrame>();
  private backlog: string[] = [];
  private next = 0;
  private readonly resending = new Set<string>();

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
    this.resending.delete(msgId);
  }

  /** A new session: every report not acked is to be sent again, oldest first. */
  startSession(): void {
    this.backlog = [...this.pending.keys()];
    this.next = 0;
    this.resending.clear();
  }

  /** Reports of the backlog to send again now, as many as the window has room for. */
  takeResendable(): ReportFrame[] {
    const frames: ReportFrame[] = [];
    while (this.resending.size < REPORT_RESEND_WINDOW && this.next < this.backlog.length) {
      const msgId = this.backlog[this.next++]!;
      const frame = this.pending.get(msgId);
      if (!frame) continue;
      this.resending.add(msgId);
      frames.push(frame);
    }
    return frames;
  }

  clear(): void {
    this.pending.clear();
    this.backlog = [];
    this.resending.clear();
  }

  get size(): number {
    return this.pending.size;
  }
}
