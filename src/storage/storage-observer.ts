// What the storage layer tells an observer (the gateway's metrics): transaction times and wallet debits.
// Storage knows nothing of who listens; nothing is told until the gateway attaches an observer.

export interface StorageObserver {
  /** A transaction ended: its time from BEGIN to COMMIT or ROLLBACK, in seconds. */
  transactionEnded(seconds: number, outcome: 'commit' | 'rollback'): void;
  /** Credits (micro-credits) taken from a wallet by a statement about to commit with its transaction. */
  walletDebited(micros: number): void;
}

/** One slot shared by the driver and every store of a storage; empty until `attach`. */
export class ObserverSlot implements StorageObserver {
  private observer: StorageObserver | undefined;

  attach(observer: StorageObserver): void {
    this.observer = observer;
  }

  transactionEnded(seconds: number, outcome: 'commit' | 'rollback'): void {
    this.observer?.transactionEnded(seconds, outcome);
  }

  walletDebited(micros: number): void {
    if (micros > 0) this.observer?.walletDebited(micros);
  }
}
