// Runs a piece of background work one at a time: asked again while it runs, it runs once more when done
// rather than a second time alongside (two claims racing, two reply senders taking the same rows).

export class SerialTask {
  private isRunning = false;
  private isWanted = false;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly isStopped: () => boolean,
  ) {}

  async run(): Promise<void> {
    if (this.isRunning) {
      this.isWanted = true;
      return;
    }
    this.isRunning = true;
    try {
      do {
        this.isWanted = false;
        await this.work();
      } while (this.isWanted && !this.isStopped());
    } finally {
      this.isRunning = false;
    }
  }
}
