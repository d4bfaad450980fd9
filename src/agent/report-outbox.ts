// Delivery reports (`sent`, `delivered`, `failed`) kept until the gateway's `report_ack`: a report the
// gateway had not committed when it died or the socket broke is resent after the next welcome.
import type { ReportFrame } from '../bridge/frames.js';

export class ReportOutbox {
  // One report per message, the newest: `delivered` implies `sent` at the gateway, so it replaces it.
  private readonly pending = new Map<string, ReportFrame>();

  constructor(private readonly limit: number) {}

  add(report: ReportFrame): void {
    this.pending.delete(report.msg_id);
    this.pending.set(report.msg_id, report);
    // Map order is insertion order: when full, the oldest report is the one given up.
    if (this.pending.size > this.limit) this.pending.delete(this.pending.keys().next().value!);
  }

  /** The gateway committed this report; a newer report for the same message stays pending. */
  acknowledge(msgId: string, type: ReportFrame['type']): void {
    if (this.pending.get(msgId)?.type === type) this.pending.delete(msgId);
  }

  /** Every report not yet acked, oldest first. */
  unacked(): ReportFrame[] {
    return [...this.pending.values()];
  }

  clear(): void {
    this.pending.clear();
  }

  get size(): number {
    return this.pending.size;
  }
}
