// Runs a piece of background work one at a time: asked again while it runs, it runs once more when done
// rather than a second time alongside (two claims racing, two reply senders taking the same rows).

export class SerialTask {
  /** Set before the work starts: the work may ask for itself again before its first await. */
  private isRunning = false;
  private running: Promise<void> | undefined;
  private isWanted = false;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly isStopped: () => boolean,
  ) {}

  run(): Promise<void> {
    if (this.isRunning) {
      this.isWanted = true;
      return Promise.resolve();
    }
    this.isRunning = true;
    const running = this.loop();
    this.running = running;
    return running;
  }

  /** Resolves once the work under way (if any) has ended, however it ended: a closing owner waits here. */
  async whenIdle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  private async loop(): Promise<void> {
    try {
      do {
        this.isWanted = false;
        await this.work();
      } while (this.isWanted && !this.isStopped());
    } finally {
      // In the same step as the last check of isWanted: a request made after it starts a new run.
      this.isRunning = false;
      this.running = undefined;
    }
  }
}
