// One pending wake-up per key (a project, a channel) at a given time: asked again while one waits, the
// earlier stays, so a paced queue is looked at once when it is due rather than once per caller.
import type { Clock } from '../core/index.js';

export class WakeTimers {
  private readonly timers = new Map<number, NodeJS.Timeout>();

  constructor(
    private readonly clock: Clock,
    private readonly wake: (key: number) => void,
    private readonly isStopped: () => boolean,
  ) {}

  at(key: number, at: number): void {
    if (this.isStopped() || this.timers.has(key)) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.wake(key);
    }, Math.max(0, at - this.clock.now()));
    timer.unref();
    this.timers.set(key, timer);
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
