// The per-channel limits on group changes: WhatsApp bans numbers that create groups or churn members
// quickly, so the gateway refuses (429) before WhatsApp notices. Counted in this process: a WhatsApp Web
// session runs on one node at a time (its lease), so the node that holds it sees all of its changes.
import { PickyError, Status } from '../status-codes.js';
import type { Clock } from '../clock.js';

export interface GroupLimits {
  /** Group changes (create, members, admins, subject, icon, invite revoke, leave) per channel per hour; 0 = no limit. */
  actionsPerHour: number;
  /** Groups created per channel per day; 0 = no limit. */
  createsPerDay: number;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Remembers the times of recent events per key, so that the window slides (no burst at a boundary). */
class SlidingWindow {
  private readonly times = new Map<number, number[]>();
  constructor(
    private readonly windowMs: number,
    readonly limit: number,
  ) {}

  /** Ms until one more event is allowed (0: now). */
  waitFor(key: number, now: number): number {
    if (this.limit === 0) return 0;
    const recent = (this.times.get(key) ?? []).filter((at) => now - at < this.windowMs);
    this.times.set(key, recent);
    return recent.length < this.limit ? 0 : recent[0]! + this.windowMs - now;
  }

  add(key: number, now: number): void {
    if (this.limit === 0) return;
    const recent = this.times.get(key);
    if (recent) recent.push(now);
    else this.times.set(key, [now]);
  }
}

export class GroupRateLimit {
  private readonly actions: SlidingWindow;
  private readonly creates: SlidingWindow;

  constructor(
    private readonly clock: Clock,
    limits: GroupLimits,
  ) {
    this.actions = new SlidingWindow(HOUR_MS, limits.actionsPerHour);
    this.creates = new SlidingWindow(DAY_MS, limits.createsPerDay);
  }

  /** Counts one group change on the channel (and one creation when `isCreate`), or throws 429. */
  take(channelId: number, isCreate: boolean): void {
    const now = this.clock.now();
    const refuse = (what: string, waitMs: number) =>
      new PickyError(Status.tooManyRequests, `${what} on channel ${channelId} reached; retry in ${Math.ceil(waitMs / 1000)} s (WhatsApp bans numbers that change groups too quickly)`);
    const createWait = isCreate ? this.creates.waitFor(channelId, now) : 0;
    if (createWait > 0) throw refuse(`the limit of ${this.creates.limit} groups created a day`, createWait);
    const actionWait = this.actions.waitFor(channelId, now);
    if (actionWait > 0) throw refuse(`the limit of ${this.actions.limit} group changes an hour`, actionWait);
    this.actions.add(channelId, now);
    if (isCreate) this.creates.add(channelId, now);
  }
}
