// Groups writes that arrive close together into one database transaction. A commit costs the same for
// one push or a hundred, so under load batches grow by themselves and throughput follows; when idle, a
// write waits only for the current turn of the event loop.

export interface BatchSettings<T> {
  /** Stop adding items once a batch holds this much weight (messages, for pushes). */
  maxWeight: number;
  /** Batches written at the same time: 1 on SQLite (one writer), more on PostgreSQL. */
  concurrency: number;
  /**
   * Items with the same key are never in two batches written at the same time, and keep their order:
   * a later item waits for the batch holding an earlier one. (A message's second move must see its first
   * one committed, not race it in another transaction.)
   */
  keyOf?: (item: T) => string | number;
}

interface Pending<T, R> {
  item: T;
  weight: number;
  key: string | number | undefined;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export class WriteBatcher<T, R> {
  private queue: Pending<T, R>[] = [];
  private readonly busyKeys = new Map<string | number, number>();
  private running = 0;
  private isScheduled = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly weigh: (item: T) => number,
    private readonly settings: BatchSettings<T>,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, weight: this.weigh(item), key: this.settings.keyOf?.(item), resolve, reject });
      this.schedule();
    });
  }

  /**
   * Resolves once nothing is queued or being written. A gateway that is closing waits for this before it
   * closes the database, so a write accepted just before the close is committed, not failed.
   */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.queue.length === 0 && this.running === 0;
  }

  private schedule(): void {
    if (this.isScheduled || this.running >= this.settings.concurrency || this.queue.length === 0) return;
    this.isScheduled = true;
    // setImmediate lets every request parsed in this turn join the batch before it is written.
    setImmediate(() => {
      this.isScheduled = false;
      void this.flush();
    });
  }

  /** One pass over the queue: what goes into this batch, and what stays (in order) for the next. */
  private takeBatch(): Pending<T, R>[] {
    const batch: Pending<T, R>[] = [];
    const kept: Pending<T, R>[] = [];
    const blocked = new Set<string | number>();
    let weight = 0;
    let index = 0;
    for (; index < this.queue.length; index += 1) {
      const pending = this.queue[index]!;
      if (batch.length > 0 && weight + pending.weight > this.settings.maxWeight) break;
      if (pending.key !== undefined && (this.busyKeys.has(pending.key) || blocked.has(pending.key))) {
        // Held back, and so is every later item with its key, to keep their order.
        blocked.add(pending.key);
        kept.push(pending);
        continue;
      }
      batch.push(pending);
      weight += pending.weight;
    }
    this.queue = index === this.queue.length ? kept : kept.concat(this.queue.slice(index));
    for (const { key } of batch) if (key !== undefined) this.busyKeys.set(key, (this.busyKeys.get(key) ?? 0) + 1);
    return batch;
  }

  private releaseKeys(batch: Pending<T, R>[]): void {
    for (const { key } of batch) {
      if (key === undefined) continue;
      const count = (this.busyKeys.get(key) ?? 1) - 1;
      if (count === 0) this.busyKeys.delete(key);
      else this.busyKeys.set(key, count);
    }
  }

  private async flush(): Promise<void> {
    if (this.running >= this.settings.concurrency) return;
    const batch = this.takeBatch();
    if (batch.length === 0) return;
    this.running += 1;
    this.schedule();
    try {
      await this.writeSettled(batch);
    } finally {
      this.releaseKeys(batch);
      this.running -= 1;
      this.schedule();
      if (this.isIdle()) for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  /** A batch that fails is retried one item at a time, so one bad item cannot fail its neighbours. */
  private async writeSettled(batch: Pending<T, R>[]): Promise<void> {
    try {
      const results = await this.write(batch.map((pending) => pending.item));
      batch.forEach((pending, index) => pending.resolve(results[index]!));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]!.reject(error);
        return;
      }
      for (const pending of batch) await this.writeSettled([pending]);
    }
  }
}
