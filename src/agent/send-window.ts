// Which of the items a device keeps until acknowledged (inbound messages, resent reports) go on the
// wire now: in order, and no more than a window of them unacknowledged at once.

export class SendWindow {
  /** Keys not yet sent in this session, oldest first; `next` is the first still to send. */
  private queue: string[] = [];
  private next = 0;
  private readonly inFlight = new Set<string>();

  constructor(private readonly size: number) {}

  /** A new session: these keys (every one not yet acknowledged) are to be sent, in this order. */
  restart(keys: Iterable<string>): void {
    this.queue = [...keys];
    this.next = 0;
    this.inFlight.clear();
  }

  /** A key to send after those already queued in this session. */
  push(key: string): void {
    this.queue.push(key);
  }

  /** The keys to send now, as many as the window has room for; keys `isKept` rejects are skipped. */
  take(isKept: (key: string) => boolean): string[] {
    const keys: string[] = [];
    while (this.inFlight.size < this.size && this.next < this.queue.length) {
      const key = this.queue[this.next++]!;
      if (!isKept(key)) continue;
      this.inFlight.add(key);
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
    this.inFlight.delete(key);
  }

  clear(): void {
    this.restart([]);
  }
}
