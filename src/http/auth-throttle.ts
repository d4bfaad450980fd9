// Slows down token guessing: an address that fails authentication too often in a minute gets 429 until
// the minute is over.
import type { Clock } from '../core/index.js';
import { FixedWindowCounter } from './fixed-window-counter.js';

export class AuthThrottle {
  private readonly failures: FixedWindowCounter<string>;

  constructor(clock: Clock, limitPerMinute: number) {
    this.failures = new FixedWindowCounter(clock, limitPerMinute);
  }

  isBlocked(ip: string): boolean {
    return this.failures.isExhausted(ip);
  }

  recordFailure(ip: string): void {
    this.failures.add(ip);
  }
}
