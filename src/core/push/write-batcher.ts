// Groups writes that arrive close together into one database transaction. A commit costs the same for
// one push or a hundred, so under load batches grow by themselves and throughput follows; when idle, a
// write waits only for the current turn of the event loop.

export interface BatchSettings {
  /** Stop adding items once a batch holds this much weight (messages, for pushes). */
  maxWeight: number;
  /** Batches written at the same time: 1 on SQLite (one writer), more on PostgreSQL. */
  concurrency: number;
}

interface Pending<T, R> {
  item: T;
  weight: number;
  resolve(result: R): void;
  reject(error: unknown): void;
}

export class WriteBatcher<T, R> {
  private readonly queue: Pending<T, R>[] = [];
  private running = 0;
  private isScheduled = false;

  constructor(
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly weigh: (item: T) => number,
    private readonly settings: BatchSettings,
  ) {}

  submit(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, weight: this.weigh(item), resolve, reject });
      this.schedule();
    });
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

  private takeBatch(): Pending<T, R>[] {
    let weight = 0;
    let count = 0;
    while (count < this.queue.length && (count === 0 || weight + this.queue[count]!.weight <= this.settings.maxWeight)) {
      weight += this.queue[count]!.weight;
      count += 1;
    }
    return this.queue.splice(0, count);
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
      this.running -= 1;
      this.schedule();
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
