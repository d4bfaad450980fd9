// The wallet balance and its append-only ledger in SQL.
import type { Kysely } from 'kysely';
import type { LedgerEntry, LedgerKind, NewLedgerEntry } from '../core/account.js';
import type { WalletStore } from '../core/stores.js';
import type { Schema } from './schema.js';
import type { ObserverSlot } from './storage-observer.js';

export class SqlWalletStore implements WalletStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly slot?: ObserverSlot,
  ) {}

  async balance(accountId: number): Promise<number> {
    const row = await this.db.selectFrom('wallets').select('balance').where('account_id', '=', accountId).executeTakeFirst();
    return row?.balance ?? 0;
  }

  async apply(entry: NewLedgerEntry): Promise<number | undefined> {
    // The balance change and its ledger entry must land together, in the caller's transaction or our own.
    const balance = this.db.isTransaction ? await applyIn(this.db, entry) : await this.db.transaction().execute((trx) => applyIn(trx, entry));
    if (balance !== undefined && entry.kind === 'debit') this.slot?.walletDebited(Math.abs(entry.amount));
    return balance;
  }

  async entries(accountId: number, limit: number): Promise<LedgerEntry[]> {
    const rows = await this.db
      .selectFrom('wallet_entries')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((row) => ({
      id: row.id,
      accountId: row.account_id,
      kind: row.kind as LedgerKind,
      amount: row.amount,
      balanceAfter: row.balance_after,
      reason: row.reason,
      reference: row.reference,
      projectId: row.project_id,
      createdAt: row.created_at,
    }));
  }
}

/**
 * One conditional UPDATE decides whether the wallet can pay: concurrent debits on PostgreSQL queue on
 * the row lock and each sees the balance the previous one left, so the wallet is never overdrawn.
 */
async function applyIn(db: Kysely<Schema>, entry: NewLedgerEntry): Promise<number | undefined> {
  const updated = await db
    .updateTable('wallets')
    .set((eb) => ({ balance: eb('balance', '+', entry.amount), updated_at: entry.createdAt }))
    .where('account_id', '=', entry.accountId)
    .where((eb) => eb(eb('balance', '+', entry.amount), '>=', 0))
    .returning('balance')
    .executeTakeFirst();
  if (!updated) return undefined;
  await db
    .insertInto('wallet_entries')
    .values({
      account_id: entry.accountId,
      kind: entry.kind,
      amount: entry.amount,
      balance_after: updated.balance,
      reason: entry.reason,
      reference: entry.reference,
      project_id: entry.projectId,
      created_at: entry.createdAt,
    })
    .execute();
  return updated.balance;
}
