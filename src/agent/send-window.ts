// Which of the items a device keeps until acknowledged (inbound messages, resent reports) go on the
// wire now: in order, and no more than a window of them (by count, and by size when one is given)
// unacknowledged at once.

export class SendWindow {
  /** Keys not yet sent in this session, oldest first; `next` is the first still to send. */
  private queue: string[] = [];
  private next = 0;
  /** Keys sent and not yet acknowledged, with their weight. */
  private readonly inFlight = new Map<string, number>();
  private inFlightWeight = 0;

  constructor(
    private readonly size: number,
    /** The most weight (bytes, say) unacknowledged at once; one item is always let through alone. */
    private readonly maxWeight = Number.POSITIVE_INFINITY,
    private readonly weightOf: (key: string) => number = () => 0,
  ) {}

  /** A new session: these keys (every one not yet acknowledged) are to be sent, in this order. */
  restart(keys: Iterable<string>): void {
    this.queue = [...keys];
    this.next = 0;
    this.inFlight.clear();
    this.inFlightWeight = 0;
  }

  /** A key to send after those already queued in this session. */
  push(key: string): void {
    this.queue.push(key);
  }

  /** The keys to send now, as many as the window has room for; keys `isKept` rejects are skipped. */
  take(isKept: (key: string) => boolean): string[] {
    const keys: string[] = [];
    while (this.inFlight.size < this.size && this.next < this.queue.length) {
      const key = this.queue[this.next]!;
      if (!isKept(key)) {
        this.next += 1;
        continue;
      }
      const weight = this.weightOf(key);
      if (this.inFlight.size > 0 && this.inFlightWeight + weight > this.maxWeight) break;
      this.next += 1;
      this.inFlight.set(key, weight);
      this.inFlightWeight += weight;
      keys.push(key);
    }
    // Drop the consumed head now and then, so the queue does not grow for ever.
    if (this.next > 1024 && this.next * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.next);
      this.next = 0;
    }
    return keys;
  }

  /** The key was acknowledged: its place in the window is free. */
  settle(key: string): void {
    const weight = this.inFlight.get(key);
    if (weight === undefined) return;
    this.inFlight.delete(key);
    this.inFlightWeight -= weight;
  }

  clear(): void {
    this.restart([]);
  }
}
