// The optional per-project push rate limit (SWITCHBOARD_PUSH_RATE_LIMIT requests a minute). Counted per
// gateway process: with several nodes each enforces the limit on its own share of the traffic.
import { PickyError, Status, type Clock } from '../core/index.js';

const WINDOW_MS = 60_000;

export class PushRateLimit {
  private readonly windows = new Map<number, { start: number; count: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly perMinute: number,
  ) {}

  /** Counts one push for the project, or throws 429 when the minute's allowance is used up. */
  take(projectId: number): void {
    if (this.perMinute === 0) return;
    const now = this.clock.now();
    const window = this.windows.get(projectId);
    if (!window || now - window.start >= WINDOW_MS) {
      this.windows.set(projectId, { start: now, count: 1 });
      return;
    }
    if (window.count >= this.perMinute) {
      throw new PickyError(Status.tooManyRequests, `project push limit of ${this.perMinute} requests a minute reached`);
    }
    window.count += 1;
  }
}
