// Wraps a Kysely dialect so that every transaction's time (BEGIN to COMMIT/ROLLBACK) reaches the storage
// observer. Timing at the driver catches each transaction, whichever store or batch opened it.
import type { DatabaseConnection, Dialect, Driver, TransactionSettings } from 'kysely';
import type { ObserverSlot } from './storage-observer.js';

class TimedDriver implements Driver {
  private readonly startedAt = new WeakMap<DatabaseConnection, number>();

  constructor(
    private readonly inner: Driver,
    private readonly slot: ObserverSlot,
  ) {
    // Savepoints exist only where the dialect has them; copy what is there, bound to the real driver.
    if (inner.savepoint) this.savepoint = inner.savepoint.bind(inner);
    if (inner.rollbackToSavepoint) this.rollbackToSavepoint = inner.rollbackToSavepoint.bind(inner);
    if (inner.releaseSavepoint) this.releaseSavepoint = inner.releaseSavepoint.bind(inner);
  }

  savepoint?: Driver['savepoint'];
  rollbackToSavepoint?: Driver['rollbackToSavepoint'];
  releaseSavepoint?: Driver['releaseSavepoint'];

  init(): Promise<void> {
    return this.inner.init();
  }

  acquireConnection(): Promise<DatabaseConnection> {
    return this.inner.acquireConnection();
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    await this.inner.beginTransaction(connection, settings);
    this.startedAt.set(connection, performance.now());
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await this.inner.commitTransaction(connection);
    } finally {
      this.ended(connection, 'commit');
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    try {
      await this.inner.rollbackTransaction(connection);
    } finally {
      this.ended(connection, 'rollback');
    }
  }

  releaseConnection(connection: DatabaseConnection): Promise<void> {
    return this.inner.releaseConnection(connection);
  }

  destroy(): Promise<void> {
    return this.inner.destroy();
  }

  private ended(connection: DatabaseConnection, outcome: 'commit' | 'rollback'): void {
    const started = this.startedAt.get(connection);
    if (started === undefined) return;
    this.startedAt.delete(connection);
    this.slot.transactionEnded((performance.now() - started) / 1000, outcome);
  }
}

export function timedDialect(dialect: Dialect, slot: ObserverSlot): Dialect {
  return {
    createAdapter: () => dialect.createAdapter(),
    createDriver: () => new TimedDriver(dialect.createDriver(), slot),
    createIntrospector: (db) => dialect.createIntrospector(db),
    createQueryCompiler: () => dialect.createQueryCompiler(),
  };
}
