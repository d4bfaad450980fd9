// Meta channels (WhatsApp Cloud API 8/101/121, Messenger 5): linked accounts with sealed credentials,
// the webhook inbox (stored before processing, unique per channel and event key), Graph ids of sent
// messages, contacts' latest message time (24-hour window), templates, and received media.
import type { Kysely, Migration } from 'kysely';
import { autoIncrementId, type DialectCapabilities } from '../capabilities.js';

export function metaChannelsMigration(capabilities: DialectCapabilities): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('meta_accounts')
        .addColumn('channel_id', 'bigint', (c) => c.primaryKey())
        .addColumn('project_id', 'bigint', (c) => c.notNull())
        .addColumn('kind', 'integer', (c) => c.notNull())
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('waba_id', 'text', (c) => c.notNull())
        .addColumn('access_token', 'text', (c) => c.notNull())
        .addColumn('app_secret', 'text', (c) => c.notNull())
        .addColumn('verify_token_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('meta_accounts_by_external_id').on('meta_accounts').column('external_id').execute();
      await db.schema.createIndex('meta_accounts_by_waba_id').on('meta_accounts').column('waba_id').execute();
      await db.schema.createIndex('meta_accounts_by_verify_token').on('meta_accounts').column('verify_token_hash').execute();

      await db.schema
        .createTable('meta_inbox')
        .addColumn('id', ...autoIncrementId(capabilities))
        .addColumn('channel_id', 'bigint', (c) => c.notNull())
        .addColumn('event_key', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_error', 'text', (c) => c.notNull().defaultTo(''))
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('locked_until', 'bigint', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('meta_inbox_event', ['channel_id', 'event_key'])
        .execute();
      await db.schema.createIndex('meta_inbox_due').on('meta_inbox').columns(['state', 'next_attempt_at']).execute();

      await db.schema
        .createTable('meta_sent')
        .addColumn('message_id', 'bigint', (c) => c.primaryKey())
        .addColumn('channel_id', 'bigint', (c) => c.notNull())
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('sent_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('meta_sent_by_external_id').on('meta_sent').columns(['channel_id', 'external_id']).execute();
      await db.schema.createIndex('meta_sent_by_recipient').on('meta_sent').columns(['channel_id', 'recipient', 'sent_at']).execute();

      await db.schema
        .createTable('meta_contacts')
        .addColumn('channel_id', 'bigint', (c) => c.notNull())
        .addColumn('contact', 'text', (c) => c.notNull())
        .addColumn('last_inbound_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('meta_contacts_pk', ['channel_id', 'contact'])
        .execute();

      await db.schema
        .createTable('meta_templates')
        .addColumn('id', ...autoIncrementId(capabilities))
        .addColumn('project_id', 'bigint', (c) => c.notNull())
        .addColumn('channel_id', 'bigint', (c) => c.notNull())
        .addColumn('template_id', 'text', (c) => c.notNull())
        .addColumn('graph_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('language', 'text', (c) => c.notNull())
        .addColumn('category', 'text', (c) => c.notNull())
        .addColumn('message_type', 'integer', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('meta_status', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('components', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('meta_templates_name', ['channel_id', 'name', 'language'])
        .execute();
      await db.schema.createIndex('meta_templates_by_template_id').on('meta_templates').columns(['project_id', 'template_id']).execute();

      await db.schema
        .createTable('meta_media')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('channel_id', 'bigint', (c) => c.notNull())
        .addColumn('mime', 'text', (c) => c.notNull())
        .addColumn('data', capabilities.binaryColumnType, (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
    },
  };
}
