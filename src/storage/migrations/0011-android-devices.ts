// Android phones running the SMS Gateway for Android app: a device row says which transport it speaks
// (the bridge WebSocket or the app's mobile HTTP API), and an app phone keeps the secret of the
// webhook URL it posts received SMS to.
import type { Kysely, Migration } from 'kysely';
import type { DialectCapabilities } from '../capabilities.js';

export function androidDevicesMigration(_capabilities: DialectCapabilities): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('devices').addColumn('transport', 'text', (c) => c.notNull().defaultTo('bridge')).execute();
      await db.schema.alterTable('devices').addColumn('hook_secret', 'text', (c) => c.notNull().defaultTo('')).execute();
    },
  };
}
