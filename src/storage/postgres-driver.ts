// The one file that loads `pg`: a connection pool whose bigint columns come back as JS numbers.
import { PostgresDialect, type Dialect } from 'kysely';
import pg from 'pg';

const INT8_OID = 20;

export interface PostgresSettings {
  url: string;
  poolSize: number;
  /** Schema to create and use (tests give each suite its own); default: the server's search_path. */
  schema?: string | undefined;
  /** How long the first connection may take before start-up gives up. */
  connectTimeoutMs: number;
}

/** Our bigints are epoch milliseconds, micro-credits and row ids: all far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export async function openPostgresDialect(settings: PostgresSettings): Promise<Dialect> {
  // One bounded connection first: a server that accepts and never answers (or a dropped route) would
  // otherwise hold start-up until the operating system gives up, minutes later. The pool itself has no
  // connect limit, so that a busy pool under load queues queries instead of failing them.
  const client = new pg.Client({ connectionString: settings.url, connectionTimeoutMillis: settings.connectTimeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    if (settings.schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${settings.schema}"`);
  } finally {
    await client.end().catch(() => undefined);
  }
  const pool = new pg.Pool({
    connectionString: settings.url,
    max: settings.poolSize,
    types,
    ...(settings.schema ? { options: `-c search_path="${settings.schema}"` } : {}),
  });
  // An idle client that loses its server must not crash the process; the next query reports the error.
  pool.on('error', () => undefined);
  return new PostgresDialect({ pool });
}

/** Drops a schema made by openPostgresDialect (test clean-up). */
export async function dropPostgresSchema(url: string, schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
