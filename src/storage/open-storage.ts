// Opens the configured database: PostgreSQL when DATABASE_URL says postgres://, else embedded SQLite.
import { Kysely, sql } from 'kysely';
import { POSTGRES_CAPABILITIES, SQLITE_CAPABILITIES } from './capabilities.js';
import { openPostgresDialect } from './postgres-driver.js';
import { postgresNodeChannel } from './node-channel.js';
import type { Schema } from './schema.js';
import { SqlStorage } from './sql-storage.js';
import { ObserverSlot } from './storage-observer.js';
import { timedDialect } from './timed-dialect.js';
import { DatabaseUnreachableError, describeDatabase, isPostgresUrl, sqliteFile, type StorageSettings } from './database-location.js';
import { openSqliteDialect } from './sqlite-driver.js';

const CONNECT_TIMEOUT_MS = 10_000;
/** The node channel's listener: reconnection waits, and how often its idle connection is checked. */
const LISTENER_RETRY_MIN_MS = 200;
const LISTENER_RETRY_MAX_MS = 5_000;
const LISTENER_PING_MS = 30_000;

export async function openStorage(settings: StorageSettings): Promise<SqlStorage> {
  // Transaction times reach whoever the gateway attaches (metrics); the slot is empty until then.
  const slot = new ObserverSlot();
  if (isPostgresUrl(settings.databaseUrl)) {
    const connectTimeoutMs = settings.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
    let dialect;
    try {
      dialect = await openPostgresDialect({ url: settings.databaseUrl, poolSize: settings.poolSize, schema: settings.schema, connectTimeoutMs });
    } catch (error) {
      throw new DatabaseUnreachableError(`cannot reach ${describeDatabase(settings)}: ${(error as Error).message}`, { cause: error });
    }
    const db = new Kysely<Schema>({ dialect: timedDialect(dialect, slot) });
    try {
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
      const schema = rows[0]?.schema ?? 'public';
      const nodes = postgresNodeChannel(db, schema, { url: settings.databaseUrl, connectTimeoutMs, retryMinMs: LISTENER_RETRY_MIN_MS, retryMaxMs: LISTENER_RETRY_MAX_MS, pingMs: LISTENER_PING_MS });
      return new SqlStorage(db, POSTGRES_CAPABILITIES, schema, slot, nodes);
    } catch (error) {
      await db.destroy();
      throw new DatabaseUnreachableError(`cannot reach ${describeDatabase(settings)}: ${(error as Error).message}`, { cause: error });
    }
  }
  const dialect = openSqliteDialect(sqliteFile(settings));
  return new SqlStorage(new Kysely<Schema>({ dialect: timedDialect(dialect, slot) }), SQLITE_CAPABILITIES, undefined, slot);
}
