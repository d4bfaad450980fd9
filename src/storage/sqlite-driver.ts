// The one file that loads better-sqlite3: opens the embedded database with the settings we rely on.
import Database from 'better-sqlite3';
import { SqliteDialect, type Dialect, type SqliteDatabase } from 'kysely';
import { ensurePrivateFile } from './private-files.js';

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every query anew; preparing costs as much as running a small insert, so statements
 * are kept by their SQL text. Kysely runs one query at a time on this connection, so sharing is safe.
 */
function withStatementCache(database: Database.Database): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (!statement) {
        statement = database.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}

/**
 * WAL lets readers run beside the writer; synchronous=NORMAL in WAL mode survives a killed process
 * (only an OS crash or power loss can drop the last commits), which is the durability the gateway promises.
 */
export function openSqliteDialect(file: string): Dialect {
  // The database holds hashes and sealed secrets, but still nothing for other users to read.
  if (file !== ':memory:' && file !== '') ensurePrivateFile(file, [`${file}-wal`, `${file}-shm`]);
  const database = new Database(file);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  return new SqliteDialect({ database: withStatementCache(database) });
}
