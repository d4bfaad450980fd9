// The few statements whose SQL differs between SQLite and PostgreSQL, next to the capability flags
// that decide them. Everything else in storage is written once.
import { CompiledQuery, sql, type Kysely } from 'kysely';
import type { DialectCapabilities } from './capabilities.js';
import type { Schema } from './schema.js';

export interface BatchReservation {
  /** The wallet balance, locked against other writers until the transaction ends. */
  balance: number;
  /** New ids per table, ascending; unused ones are simply never written. */
  ids: Record<string, number[]>;
}

/**
 * Reads the balance and reserves ids for a batch in as few round trips as the dialect allows. On SQLite
 * the caller holds the write lock (it is in a write transaction), so the next ids are the ones after the
 * last, and everything is one statement; PostgreSQL locks the wallet row and draws from the sequences.
 */
export async function reserveBatch(db: Kysely<Schema>, capabilities: DialectCapabilities, accountId: number, counts: Record<string, number>): Promise<BatchReservation> {
  const tables = Object.keys(counts);
  const ids: Record<string, number[]> = {};
  const range = (last: number, count: number) => Array.from({ length: count }, (_, index) => last + 1 + index);
  if (capabilities.dialect === 'sqlite') {
    const lastIds = tables.map((table) => sql`max(coalesce((select seq from sqlite_sequence where name = ${table}), 0), coalesce((select max(id) from ${sql.table(table)}), 0))`);
    const { rows } = await sql<Record<string, number>>`select (select balance from wallets where account_id = ${accountId}) as balance, ${sql.join(lastIds.map((expression, index) => sql`${expression} as ${sql.ref(`last_${index}`)}`))}`.execute(db);
    const row = rows[0]!;
    tables.forEach((table, index) => (ids[table] = range(Number(row[`last_${index}`]), counts[table]!)));
    return { balance: Number(row.balance ?? 0), ids };
  }
  const locked = await db.selectFrom('wallets').select('balance').where('account_id', '=', accountId).forUpdate().executeTakeFirst();
  for (const table of tables) {
    const count = counts[table]!;
    if (count === 0) {
      ids[table] = [];
      continue;
    }
    const { rows } = await sql<{ id: number }>`select nextval(${`${table}_id_seq`}) as id from generate_series(1, ${count})`.execute(db);
    ids[table] = rows.map((row) => Number(row.id));
  }
  return { balance: locked?.balance ?? 0, ids };
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

/**
 * A statement written once with `?` marks (numbered `$n` for PostgreSQL), run without the query builder:
 * for the few statements on the hottest paths, where building and compiling each time costs more than
 * the database does.
 */
export function rawStatement(capabilities: DialectCapabilities, text: string): (parameters: readonly unknown[]) => CompiledQuery {
  let index = 0;
  const dialectText = capabilities.dialect === 'postgres' ? text.replace(/\?/g, () => `$${++index}`) : text;
  return (parameters) => CompiledQuery.raw(dialectText, [...parameters]);
}
