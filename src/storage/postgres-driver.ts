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

export interface PostgresListenerSettings {
  url: string;
  /** How long each connection attempt may take. */
  connectTimeoutMs: number;
  /** Waits between reconnection attempts: doubling from `retryMinMs` up to `retryMaxMs`. */
  retryMinMs: number;
  retryMaxMs: number;
  /** How often the idle connection proves it is alive (a silently dropped route sends no error). */
  pingMs: number;
}

export interface PostgresListenerHandlers {
  onNotification(payload: string): void;
  /** After every (re)connection's LISTEN: whatever was notified while it was down was missed. */
  onListening(): void;
  /** The connection failed, or could not be opened; another attempt follows. */
  onLost(): void;
}

export interface PostgresListener {
  close(): Promise<void>;
}

/** A double-quoted identifier: LISTEN takes a name, not a bind parameter. */
function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/**
 * A connection of its own, outside the pool, that LISTENs on `channel` for as long as it is open: lost
 * (an error, the server ending it, a ping unanswered), it is replaced after a growing wait.
 */
export function listenPostgres(settings: PostgresListenerSettings, channel: string, handlers: PostgresListenerHandlers): PostgresListener {
  let client: pg.Client | undefined;
  let isClosed = false;
  let retryMs = settings.retryMinMs;
  let retryTimer: NodeJS.Timeout | undefined;
  let pingTimer: NodeJS.Timeout | undefined;

  const lose = (lost: pg.Client) => {
    if (client !== lost) return;
    client = undefined;
    clearInterval(pingTimer);
    lost.end().catch(() => undefined);
    if (isClosed) return;
    handlers.onLost();
    retryTimer = setTimeout(connect, retryMs);
    retryTimer.unref();
    retryMs = Math.min(retryMs * 2, settings.retryMaxMs);
  };

  const connect = () => {
    if (isClosed) return;
    // query_timeout bounds the ping: an answer that never comes counts as a lost connection.
    const next = new pg.Client({ connectionString: settings.url, connectionTimeoutMillis: settings.connectTimeoutMs, query_timeout: settings.connectTimeoutMs, application_name: 'switchboard-listener' });
    client = next;
    next.on('error', () => lose(next));
    next.on('end', () => lose(next));
    next.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) handlers.onNotification(message.payload);
    });
    next
      .connect()
      .then(() => next.query(`LISTEN ${quoteIdentifier(channel)}`))
      .then(() => {
        if (client !== next) return;
        retryMs = settings.retryMinMs;
        pingTimer = setInterval(() => next.query('SELECT 1').catch(() => lose(next)), settings.pingMs);
        pingTimer.unref();
        handlers.onListening();
      })
      .catch(() => lose(next));
  };

  connect();
  return {
    async close() {
      isClosed = true;
      clearTimeout(retryTimer);
      clearInterval(pingTimer);
      const last = client;
      client = undefined;
      await last?.end().catch(() => undefined);
    },
  };
}
