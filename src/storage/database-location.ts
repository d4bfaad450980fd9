// Which database the settings name, and the error for one that cannot be reached: what the CLI needs to
// talk about a database without loading the drivers (a `switchboard agent` never opens one).
import { join, resolve } from 'node:path';
import { ensurePrivateDir } from './private-files.js';

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
