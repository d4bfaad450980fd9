// The agent's acks and delivery reports of one turn of the event loop, sent to a version-2 gateway as one
// `reports` frame instead of a frame each. A report made redundant by a later one of the same turn is
// left out: `ack` by any report of its message, `sent` by its `delivered` (which implies it).
import { MAX_BATCH_ITEMS, type DeviceFrame, type ReportsFrame } from '../bridge/frames.js';

export type BatchedReport = ReportsFrame['reports'][number];

export function isBatchedReport(frame: DeviceFrame): frame is BatchedReport {
  return frame.type === 'ack' || frame.type === 'sent' || frame.type === 'delivered' || frame.type === 'failed';
}

export class ReportBatch {
  private items: BatchedReport[] = [];

  get isEmpty(): boolean {
    return this.items.length === 0;
  }

  add(report: BatchedReport): void {
    this.items.push(report);
  }

  /** The frames to send now, in order; the batch is empty afterwards. */
  take(): ReportsFrame[] {
    const later = new Map<string, Set<string>>();
    const kept: BatchedReport[] = [];
    for (let index = this.items.length - 1; index >= 0; index -= 1) {
      const report = this.items[index]!;
      const after = later.get(report.msg_id);
      const isRedundant = after !== undefined && (report.type === 'ack' || (report.type === 'sent' && after.has('delivered')));
      if (!isRedundant) kept.push(report);
      if (after) after.add(report.type);
      else later.set(report.msg_id, new Set([report.type]));
    }
    this.items = [];
    kept.reverse();
    const frames: ReportsFrame[] = [];
    for (let start = 0; start < kept.length; start += MAX_BATCH_ITEMS) frames.push({ type: 'reports', reports: kept.slice(start, start + MAX_BATCH_ITEMS) });
    return frames;
  }

  clear(): void {
    this.items = [];
  }
}
