// Accounts and their wallets in SQL. There is one account per installation, with id 1.
import type { Kysely } from 'kysely';
import type { Account } from '../core/account.js';
import type { AccountStore } from '../core/stores.js';
import type { Schema } from './schema.js';

const ACCOUNT_ID = 1;

export class SqlAccountStore implements AccountStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async find(): Promise<Account | undefined> {
    const row = await this.db.selectFrom('accounts').selectAll().where('id', '=', ACCOUNT_ID).executeTakeFirst();
    if (!row) return undefined;
    return { id: row.id, masterTokenHash: row.master_token_hash, isDisabled: row.disabled_at !== null, createdAt: row.created_at };
  }

  async create(masterTokenHash: string, at: number): Promise<boolean> {
    // ON CONFLICT DO NOTHING lets two nodes starting together on one PostgreSQL agree on one account.
    const result = await this.db
      .insertInto('accounts')
      .values({ id: ACCOUNT_ID, master_token_hash: masterTokenHash, disabled_at: null, created_at: at, updated_at: at })
      .onConflict((conflict) => conflict.column('id').doNothing())
      .executeTakeFirst();
    const created = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    if (created) {
      await this.db.insertInto('wallets').values({ account_id: ACCOUNT_ID, balance: 0, updated_at: at }).execute();
    }
    return created;
  }

  async setMasterTokenHash(hash: string, at: number): Promise<void> {
    await this.db.updateTable('accounts').set({ master_token_hash: hash, updated_at: at }).where('id', '=', ACCOUNT_ID).execute();
  }
}
