// Console sessions in SQL: created at sign-in, read on every console request, deleted at sign-out.
import type { Kysely } from 'kysely';
import type { ConsoleSessionRecord, ConsoleSessionStore } from '../core/stores.js';
import type { Schema } from './schema.js';

export class SqlConsoleSessionStore implements ConsoleSessionStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async create(session: ConsoleSessionRecord): Promise<void> {
    await this.db
      .insertInto('console_sessions')
      .values({ id_hash: session.idHash, account_id: session.accountId, master_token_hash: session.masterTokenHash, expires_at: session.expiresAt, created_at: session.createdAt })
      .execute();
  }

  async find(idHash: string): Promise<ConsoleSessionRecord | undefined> {
    const row = await this.db.selectFrom('console_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
    if (!row) return undefined;
    return { idHash: row.id_hash, accountId: Number(row.account_id), masterTokenHash: row.master_token_hash, expiresAt: Number(row.expires_at), createdAt: Number(row.created_at) };
  }

  async delete(idHash: string): Promise<void> {
    await this.db.deleteFrom('console_sessions').where('id_hash', '=', idHash).execute();
  }

  async deleteExpired(at: number): Promise<number> {
    const result = await this.db.deleteFrom('console_sessions').where('expires_at', '<=', at).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
