// Stores what channels receive, once per message, and hands each new one to listeners (the global
// webhook) inside the same transaction, so that nothing stored is ever left unreported. Messages that
// arrive together share one transaction.
import type { Clock } from '../clock.js';
import { WriteBatcher } from '../push/write-batcher.js';
import type { Storage, Stores } from '../stores.js';
import type { InboundMessage, NewInboundMessage } from './inbound-message.js';

/**
 * Called for each new message inside the transaction that stores it; may answer an action to run once
 * that transaction has committed (never if it rolls back).
 */
export type InboundListener = (message: InboundMessage, stores: Stores) => Promise<void | (() => void)>;
type Stored = { message: InboundMessage; isNew: boolean; afterCommit: (() => void)[] };

export class InboundService {
  private readonly listeners: InboundListener[] = [];
  private readonly batcher: WriteBatcher<NewInboundMessage, Stored>;

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    /** Transactions written side by side: 1 on SQLite, more on PostgreSQL. */
    writeConcurrency = 1,
  ) {
    this.batcher = new WriteBatcher(
      (messages) =>
        storage.transaction(async (stores) => {
          const results: Stored[] = [];
          for (const message of messages) results.push(await this.store(message, stores));
          return results;
        }),
      () => 1,
      // A device's copies of one message never race each other in two transactions.
      { maxWeight: 500, concurrency: writeConcurrency, keyOf: (message) => `${message.deviceId}:${message.externalId}` },
    );
  }

  /** Resolves once every write handed to this service has committed or failed (a closing gateway waits). */
  whenIdle(): Promise<void> {
    return this.batcher.whenIdle();
  }

  onReceived(listener: InboundListener): void {
    this.listeners.push(listener);
  }

  /** Answers the stored message, and whether this call stored it (false: a duplicate). */
  async receive(message: NewInboundMessage): Promise<{ message: InboundMessage; isNew: boolean }> {
    const { afterCommit, ...stored } = await this.batcher.submit(message);
    for (const action of afterCommit) action();
    return stored;
  }

  private async store(message: NewInboundMessage, stores: Stores): Promise<Stored> {
    let contextMessageId: number | null = null;
    if (/^\d{1,15}$/.test(message.quotedMsgId)) {
      const quoted = await stores.messages.findById(Number(message.quotedMsgId));
      if (quoted && quoted.projectId === message.projectId) contextMessageId = quoted.id;
    }
    const stored = await stores.inbound.insert({ ...message, contextMessageId }, this.clock.now());
    const afterCommit: (() => void)[] = [];
    if (stored.isNew) {
      for (const listener of this.listeners) {
        const action = await listener(stored.message, stores);
        if (action) afterCommit.push(action);
      }
    }
    return { ...stored, afterCommit };
  }

  list(projectId: number, limit: number): Promise<InboundMessage[]> {
    return this.storage.stores.inbound.listByProject(projectId, limit);
  }
}
