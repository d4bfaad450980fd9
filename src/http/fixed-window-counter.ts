// Counts events per key in fixed one-minute windows: the shape of both the authentication throttle and
// the per-project push limit. Held per process on purpose: these protect this node, they are not state
// a second node needs.
import type { Clock } from '../core/index.js';

const WINDOW_MS = 60_000;
const SWEEP_SIZE = 10_000;

export class FixedWindowCounter<K> {
  private readonly windows = new Map<K, { start: number; count: number }>();

  constructor(
    private readonly clock: Clock,
    /** Events a key may have per window; 0 means no limit. */
    readonly limit: number,
  ) {}

  /** Events counted for the key in the current window. */
  count(key: K): number {
    const window = this.windows.get(key);
    if (!window) return 0;
    if (this.clock.now() - window.start >= WINDOW_MS) {
      this.windows.delete(key);
      return 0;
    }
    return window.count;
  }

  isExhausted(key: K): boolean {
    return this.limit > 0 && this.count(key) >= this.limit;
  }

  add(key: K): void {
    if (this.limit === 0) return;
    const now = this.clock.now();
    const window = this.windows.get(key);
    if (window && now - window.start < WINDOW_MS) window.count += 1;
    else this.windows.set(key, { start: now, count: 1 });
    if (this.windows.size > SWEEP_SIZE) this.sweep(now);
  }

  private sweep(now: number): void {
    for (const [key, window] of this.windows) if (now - window.start >= WINDOW_MS) this.windows.delete(key);
  }
}
