// WhatsApp Web sessions (application 10): one row per channel with its lease and credentials, the
// signal keys of its auth state, the WhatsApp ids of the messages it sent, and media (fetched URLs cached
// by URL hash, received media behind random ids).
import type { Kysely, Migration } from 'kysely';
import type { DialectCapabilities } from '../capabilities.js';

export function whatsappWebMigration(capabilities: DialectCapabilities): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('whatsapp_web_sessions')
        .addColumn('channel_id', 'bigint', (c) => c.primaryKey())
        .addColumn('project_id', 'bigint', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('qr', 'text', (c) => c.notNull())
        .addColumn('pairing_code', 'text', (c) => c.notNull())
        .addColumn('connected_number', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('is_paired', 'integer', (c) => c.notNull())
        .addColumn('creds', 'text')
        .addColumn('last_error', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('lease_node', 'text', (c) => c.notNull())
        .addColumn('lease_until', 'bigint', (c) => c.notNull())
        // A device-action command for the node holding the lease, left by a node that does not hold it.
        .addColumn('pending_command', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('whatsapp_web_keys')
        .addColumn('channel_id', 'bigint', (c) => c.notNull())
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('whatsapp_web_keys_pk', ['channel_id', 'type', 'key_id'])
        .execute();

      await db.schema
        .createTable('whatsapp_web_sent')
        .addColumn('message_id', 'bigint', (c) => c.primaryKey())
        .addColumn('channel_id', 'bigint', (c) => c.notNull())
        .addColumn('wa_id', 'text', (c) => c.notNull())
        .addColumn('jid', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('whatsapp_web_sent_wa_id', ['channel_id', 'wa_id'])
        .execute();

      await db.schema
        .createTable('whatsapp_web_media')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('channel_id', 'bigint')
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('mime', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('data', capabilities.binaryColumnType, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('whatsapp_web_media_by_channel').on('whatsapp_web_media').column('channel_id').execute();
    },
  };
}
