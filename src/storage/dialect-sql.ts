// The few statements whose SQL differs between SQLite and PostgreSQL, next to the capability flags
// that decide them. Everything else in storage is written once.
import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { DialectCapabilities } from './capabilities.js';
import type { Schema } from './schema.js';

/**
 * Reserves `count` new ids of an auto-increment table, in ascending order. On SQLite the caller holds
 * the write lock (it is in a write transaction), so the next ids are simply the ones after the last.
 */
export async function allocateIds(db: Kysely<Schema>, capabilities: DialectCapabilities, table: string, count: number): Promise<number[]> {
  if (count === 0) return [];
  if (capabilities.dialect === 'postgres') {
    const { rows } = await sql<{ id: number }>`select nextval(${`${table}_id_seq`}) as id from generate_series(1, ${count})`.execute(db);
    return rows.map((row) => Number(row.id));
  }
  const { rows } = await sql<{ last: number }>`select max(coalesce((select seq from sqlite_sequence where name = ${table}), 0), coalesce((select max(id) from ${sql.table(table)}), 0)) as last`.execute(db);
  const last = Number(rows[0]?.last ?? 0);
  return Array.from({ length: count }, (_, index) => last + 1 + index);
}

/** The wallet balance, locked against concurrent writers until the transaction ends. */
export async function lockWalletBalance(db: Kysely<Schema>, capabilities: DialectCapabilities, accountId: number): Promise<number> {
  let query = db.selectFrom('wallets').select('balance').where('account_id', '=', accountId);
  if (capabilities.supportsRowLocks) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  return row?.balance ?? 0;
}

/**
 * Inserts many rows with as few statements as the parameter limit allows. Built as raw SQL because the
 * query builder's cost per value is too high for a 10 000-recipient push.
 */
export async function insertRows(db: Kysely<Schema>, capabilities: DialectCapabilities, table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<void> {
  if (rows.length === 0) return;
  const rowsPerStatement = Math.max(1, Math.floor(capabilities.maxParameters / columns.length));
  const head = `insert into ${table} (${columns.join(', ')}) values `;
  for (let start = 0; start < rows.length; start += rowsPerStatement) {
    const chunk = rows.slice(start, start + rowsPerStatement);
    const parameters: unknown[] = [];
    const tuples: string[] = [];
    for (const row of chunk) {
      const marks: string[] = [];
      for (const value of row) {
        parameters.push(value);
        marks.push(capabilities.dialect === 'postgres' ? `$${parameters.length}` : '?');
      }
      tuples.push(`(${marks.join(', ')})`);
    }
    await db.executeQuery(CompiledQuery.raw(head + tuples.join(', '), parameters));
  }
}
