// Opens the configured database: PostgreSQL when DATABASE_URL says postgres://, else embedded SQLite.
import { join, resolve } from 'node:path';
import { Kysely, sql } from 'kysely';
import { POSTGRES_CAPABILITIES, SQLITE_CAPABILITIES } from './capabilities.js';
import { openPostgresDialect } from './postgres-driver.js';
import { ensurePrivateDir } from './private-files.js';
import type { Schema } from './schema.js';
import { SqlStorage } from './sql-storage.js';
import { ObserverSlot } from './storage-observer.js';
import { timedDialect } from './timed-dialect.js';
import { openSqliteDialect } from './sqlite-driver.js';

export interface StorageSettings {
  /** postgres://… or postgresql://…; sqlite:<file> or empty for SQLite in `dataDir`. */
  databaseUrl: string;
  dataDir: string;
  poolSize: number;
  /** PostgreSQL schema to use (tests isolate suites this way). */
  schema?: string | undefined;
  /** How long PostgreSQL's first connection may take (10 s unless given). */
  connectTimeoutMs?: number;
}

const CONNECT_TIMEOUT_MS = 10_000;

export const SQLITE_FILE_NAME = 'switchboard.db';

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** PostgreSQL could not be reached or refused us at start-up: the CLI prints it as one line. */
export class DatabaseUnreachableError extends Error {
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
    this.name = 'DatabaseUnreachableError';
  }
}

function sqlitePath(settings: Pick<StorageSettings, 'databaseUrl' | 'dataDir'>): string {
  return settings.databaseUrl.startsWith('sqlite:') ? settings.databaseUrl.slice('sqlite:'.length) : join(settings.dataDir, SQLITE_FILE_NAME);
}

/** Where SQLite lives: `sqlite::memory:`, `sqlite:<path>`, or data-dir/switchboard.db. */
export function sqliteFile(settings: StorageSettings): string {
  if (!settings.databaseUrl.startsWith('sqlite:')) ensurePrivateDir(settings.dataDir);
  return sqlitePath(settings);
}

/** Names the database for an operator ("PostgreSQL postgres://…", "SQLite /abs/file.db"), passwords left out. */
export function describeDatabase(settings: Pick<StorageSettings, 'databaseUrl' | 'dataDir'>): string {
  if (isPostgresUrl(settings.databaseUrl)) {
    const url = new URL(settings.databaseUrl);
    if (url.password) url.password = '***';
    url.searchParams.delete('password');
    return `PostgreSQL ${url.toString()}`;
  }
  const file = sqlitePath(settings);
  return `SQLite ${file === ':memory:' ? file : resolve(file)}`;
}

export async function openStorage(settings: StorageSettings): Promise<SqlStorage> {
  // Transaction times reach whoever the gateway attaches (metrics); the slot is empty until then.
  const slot = new ObserverSlot();
  if (isPostgresUrl(settings.databaseUrl)) {
    let dialect;
    try {
      dialect = await openPostgresDialect({ url: settings.databaseUrl, poolSize: settings.poolSize, schema: settings.schema, connectTimeoutMs: settings.connectTimeoutMs ?? CONNECT_TIMEOUT_MS });
    } catch (error) {
      throw new DatabaseUnreachableError(`cannot reach ${describeDatabase(settings)}: ${(error as Error).message}`, { cause: error });
    }
    const db = new Kysely<Schema>({ dialect: timedDialect(dialect, slot) });
    try {
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
      return new SqlStorage(db, POSTGRES_CAPABILITIES, rows[0]?.schema ?? 'public', slot);
    } catch (error) {
      await db.destroy();
      throw new DatabaseUnreachableError(`cannot reach ${describeDatabase(settings)}: ${(error as Error).message}`, { cause: error });
    }
  }
  const dialect = openSqliteDialect(sqliteFile(settings));
  return new SqlStorage(new Kysely<Schema>({ dialect: timedDialect(dialect, slot) }), SQLITE_CAPABILITIES, undefined, slot);
}
