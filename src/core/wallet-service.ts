// The account wallet: top-ups, debits and refunds, each one ledger entry written with the balance change.
import type { LedgerEntry, LedgerKind } from './account.js';
import type { Clock } from './clock.js';
import { formatCredits } from './credits.js';
import { PickyError, Status, invalidRequest } from './status-codes.js';
import type { Storage, Stores } from './stores.js';

export interface WalletChange {
  accountId: number;
  /** Micro-credits, always positive; the kind decides the direction. */
  amount: number;
  reason: string;
  reference: string;
  projectId?: number | null;
}

export class WalletService {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
  ) {}

  balance(accountId: number): Promise<number> {
    return this.storage.stores.wallet.balance(accountId);
  }

  entries(accountId: number, limit = 50): Promise<LedgerEntry[]> {
    return this.storage.stores.wallet.entries(accountId, limit);
  }

  /** Tops the wallet up; answers the new balance. */
  credit(change: WalletChange, stores: Stores = this.storage.stores): Promise<number> {
    return this.apply(stores, 'credit', change);
  }

  /** Gives back what an earlier debit took; answers the new balance. */
  refund(change: WalletChange, stores: Stores = this.storage.stores): Promise<number> {
    return this.apply(stores, 'refund', change);
  }

  /**
   * Takes credits, or throws 403 when the balance cannot pay. Call it inside the transaction that
   * writes what is being paid for, so that a refused debit leaves nothing behind.
   */
  debit(change: WalletChange, stores: Stores): Promise<number> {
    return this.apply(stores, 'debit', change);
  }

  private async apply(stores: Stores, kind: LedgerKind, change: WalletChange): Promise<number> {
    if (!Number.isSafeInteger(change.amount) || change.amount < 0) {
      throw invalidRequest(`amount must be a positive number of credits, got ${change.amount}`);
    }
    if (change.amount === 0) return stores.wallet.balance(change.accountId);
    const balance = await stores.wallet.apply({
      accountId: change.accountId,
      kind,
      amount: kind === 'debit' ? -change.amount : change.amount,
      reason: change.reason,
      reference: change.reference,
      projectId: change.projectId ?? null,
      createdAt: this.clock.now(),
    });
    if (balance === undefined) {
      throw new PickyError(Status.insufficientBalance, `costs ${formatCredits(change.amount)} credits`);
    }
    return balance;
  }
}
