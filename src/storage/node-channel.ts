// Notes between gateway nodes that share one PostgreSQL database: NOTIFY to publish, a LISTEN connection
// of each node's own to hear them. SQLite serves one process and has none.
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { listenPostgres, type PostgresListener, type PostgresListenerHandlers, type PostgresListenerSettings } from './postgres-driver.js';
import type { Schema } from './schema.js';

export type { PostgresListener as NodeChannelListener, PostgresListenerHandlers as NodeChannelHandlers } from './postgres-driver.js';

export interface NodeChannel {
  /** Reaches every node listening now, this one included; a node not listening at the moment misses it. */
  publish(payload: string): Promise<void>;
  listen(handlers: PostgresListenerHandlers): PostgresListener;
}

/** PostgreSQL's longest identifier (NAMEDATALEN - 1 bytes). */
const MAX_CHANNEL_NAME = 63;

/**
 * NOTIFY reaches the whole database, so the channel is named after the schema our tables live in:
 * installations (or test suites) in different schemas of one database do not hear each other.
 */
export function nodeChannelName(schema: string): string {
  const name = `switchboard_nodes:${schema}`;
  if (Buffer.byteLength(name) <= MAX_CHANNEL_NAME) return name;
  return `switchboard_nodes:${createHash('sha256').update(schema).digest('hex').slice(0, 32)}`;
}

export function postgresNodeChannel(db: Kysely<Schema>, schema: string, settings: PostgresListenerSettings): NodeChannel {
  const channel = nodeChannelName(schema);
  return {
    async publish(payload) {
      await sql`select pg_notify(${channel}, ${payload})`.execute(db);
    },
    listen: (handlers) => listenPostgres(settings, channel, handlers),
  };
}
