// The one file that loads better-sqlite3: opens the embedded database with the settings we rely on.
import Database from 'better-sqlite3';
import { SqliteDialect, type Dialect } from 'kysely';

/**
 * WAL lets readers run beside the writer; synchronous=NORMAL in WAL mode survives a killed process
 * (only an OS crash or power loss can drop the last commits), which is the durability the gateway promises.
 */
export function openSqliteDialect(file: string): Dialect {
  const database = new Database(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  return new SqliteDialect({ database });
}
