// How long the agent waits before reconnecting: exponential backoff with jitter, so that many phones
// dropped by one gateway restart do not all come back in the same millisecond.

export interface BackoffSettings {
  /** First wait, in ms (default 100). */
  initialMs: number;
  /** Longest wait, in ms (default 5 000). */
  maxMs: number;
  /** Share of each wait that is random, 0–1 (default 0.5: a wait lies between half and all of the step). */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { initialMs: 100, maxMs: 5_000, jitter: 0.5 };

export class ReconnectBackoff {
  private failures = 0;

  constructor(
    private readonly settings: BackoffSettings,
    private readonly random: () => number = Math.random,
  ) {}

  /** The wait before the next attempt; each call counts one more failure. */
  nextDelayMs(): number {
    const step = Math.min(this.settings.maxMs, this.settings.initialMs * 2 ** Math.min(this.failures, 30));
    this.failures += 1;
    return Math.round(step * (1 - this.settings.jitter * this.random()));
  }

  /** A session was opened: the next drop starts again from the first wait. */
  reset(): void {
    this.failures = 0;
  }
}
