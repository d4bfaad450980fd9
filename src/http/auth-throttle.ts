// Slows down token guessing: an address that fails authentication too often in a minute gets 429 until
// the minute is over. Held per process on purpose: it protects this node's CPU, it is not state to share.
import type { Clock } from '../core/index.js';

const WINDOW_MS = 60_000;
const SWEEP_SIZE = 10_000;

export class AuthThrottle {
  private readonly failures = new Map<string, { count: number; windowStart: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly limitPerMinute: number,
  ) {}

  isBlocked(ip: string): boolean {
    if (this.limitPerMinute === 0) return false;
    const entry = this.failures.get(ip);
    if (!entry) return false;
    if (this.clock.now() - entry.windowStart >= WINDOW_MS) {
      this.failures.delete(ip);
      return false;
    }
    return entry.count >= this.limitPerMinute;
  }

  recordFailure(ip: string): void {
    if (this.limitPerMinute === 0) return;
    const now = this.clock.now();
    const entry = this.failures.get(ip);
    if (entry && now - entry.windowStart < WINDOW_MS) entry.count += 1;
    else this.failures.set(ip, { count: 1, windowStart: now });
    if (this.failures.size > SWEEP_SIZE) this.sweep(now);
  }

  private sweep(now: number): void {
    for (const [ip, entry] of this.failures) {
      if (now - entry.windowStart >= WINDOW_MS) this.failures.delete(ip);
    }
  }
}
