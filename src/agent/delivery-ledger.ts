// What the device has reported for each msg_id it handled, so that a message the gateway sends again
// (it sends at least once) is answered from this record instead of being sent to the phone twice.
import type { DeviceFrame } from '../bridge/frames.js';

/** How far a message got: each state includes the ones before it. */
export type DeliveryState = 'acked' | 'sent' | 'delivered' | 'failed';

export interface DeliveryRecord {
  state: DeliveryState;
  /** Why it failed (state `failed` only). */
  reason?: string;
}

const ORDER: Record<DeliveryState, number> = { acked: 0, sent: 1, delivered: 2, failed: 1 };

export const DEFAULT_LEDGER_LIMIT = 100_000;

export class DeliveryLedger {
  // A Map keeps insertion order, so its first key is the oldest record: the one to forget when full.
  private readonly records = new Map<string, DeliveryRecord>();

  constructor(private readonly limit: number = DEFAULT_LEDGER_LIMIT) {}

  get(msgId: string): DeliveryRecord | undefined {
    return this.records.get(msgId);
  }

  has(msgId: string): boolean {
    return this.records.has(msgId);
  }

  /** Records a step; a late report never moves a message back (`sent` after `delivered` is ignored). */
  record(msgId: string, state: DeliveryState, reason?: string): void {
    const known = this.records.get(msgId);
    if (known && ORDER[known.state] > ORDER[state]) return;
    if (known) {
      known.state = state;
      if (reason !== undefined) known.reason = reason;
      return;
    }
    this.records.set(msgId, reason === undefined ? { state } : { state, reason });
    if (this.records.size > this.limit) this.records.delete(this.records.keys().next().value!);
  }

  /** The reports that tell the gateway again how far a known message got. */
  replay(msgId: string): DeviceFrame[] {
    const known = this.records.get(msgId);
    if (!known) return [];
    const msg_id = msgId;
    if (known.state === 'acked') return [{ type: 'ack', msg_id }];
    if (known.state === 'failed') return [{ type: 'failed', msg_id, reason: known.reason ?? 'failed', retryable: false }];
    return known.state === 'delivered' ? [{ type: 'sent', msg_id }, { type: 'delivered', msg_id }] : [{ type: 'sent', msg_id }];
  }

  forget(msgId: string): void {
    this.records.delete(msgId);
  }

  clear(): void {
    this.records.clear();
  }

  get size(): number {
    return this.records.size;
  }
}
