// Opens the configured database: PostgreSQL when DATABASE_URL says postgres://, else embedded SQLite.
import { join } from 'node:path';
import { Kysely, sql } from 'kysely';
import { POSTGRES_CAPABILITIES, SQLITE_CAPABILITIES } from './capabilities.js';
import { openPostgresDialect } from './postgres-driver.js';
import { ensurePrivateDir } from './private-files.js';
import type { Schema } from './schema.js';
import { SqlStorage } from './sql-storage.js';
import { openSqliteDialect } from './sqlite-driver.js';

export interface StorageSettings {
  /** postgres://… or postgresql://…; sqlite:<file> or empty for SQLite in `dataDir`. */
  databaseUrl: string;
  dataDir: string;
  poolSize: number;
  /** PostgreSQL schema to use (tests isolate suites this way). */
  schema?: string | undefined;
}

export const SQLITE_FILE_NAME = 'switchboard.db';

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** Where SQLite lives: `sqlite::memory:`, `sqlite:<path>`, or data-dir/switchboard.db. */
export function sqliteFile(settings: StorageSettings): string {
  if (settings.databaseUrl.startsWith('sqlite:')) return settings.databaseUrl.slice('sqlite:'.length);
  ensurePrivateDir(settings.dataDir);
  return join(settings.dataDir, SQLITE_FILE_NAME);
}

export async function openStorage(settings: StorageSettings): Promise<SqlStorage> {
  if (isPostgresUrl(settings.databaseUrl)) {
    const dialect = await openPostgresDialect({ url: settings.databaseUrl, poolSize: settings.poolSize, schema: settings.schema });
    const db = new Kysely<Schema>({ dialect });
    try {
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
      return new SqlStorage(db, POSTGRES_CAPABILITIES, rows[0]?.schema ?? 'public');
    } catch (error) {
      await db.destroy();
      throw new Error(`cannot reach PostgreSQL at DATABASE_URL: ${(error as Error).message}`, { cause: error });
    }
  }
  const dialect = openSqliteDialect(sqliteFile(settings));
  return new SqlStorage(new Kysely<Schema>({ dialect }), SQLITE_CAPABILITIES);
}
