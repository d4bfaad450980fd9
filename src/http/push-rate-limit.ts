// The optional per-project push rate limit (SWITCHBOARD_PUSH_RATE_LIMIT requests a minute), counted per
// gateway process: with several nodes each enforces the limit on its own share of the traffic.
import { PickyError, Status, type Clock } from '../core/index.js';
import { FixedWindowCounter } from './fixed-window-counter.js';

export class PushRateLimit {
  private readonly pushes: FixedWindowCounter<number>;

  constructor(clock: Clock, perMinute: number) {
    this.pushes = new FixedWindowCounter(clock, perMinute);
  }

  /** Counts one push for the project, or throws 429 when the minute's allowance is used up. */
  take(projectId: number): void {
    if (this.pushes.isExhausted(projectId)) {
      throw new PickyError(Status.tooManyRequests, `project push limit of ${this.pushes.limit} requests a minute reached`);
    }
    this.pushes.add(projectId);
  }
}
