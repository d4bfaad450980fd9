// Paired devices (phones and bridge agents), the messages they forward to us, and which device a
// message was handed to.
import { sql, type Kysely, type Migration } from 'kysely';
import { autoIncrementId, type DialectCapabilities } from '../capabilities.js';

export function bridgeMigration(capabilities: DialectCapabilities): Migration {
  const [id, idColumn] = autoIncrementId(capabilities);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('devices')
        .addColumn('id', id, idColumn)
        .addColumn('project_id', 'bigint', (c) => c.notNull().references('projects.id'))
        .addColumn('device_key', 'text', (c) => c.notNull())
        .addColumn('token_hash', 'text', (c) => c.notNull())
        .addColumn('phone_name', 'text', (c) => c.notNull())
        .addColumn('app_version', 'text', (c) => c.notNull())
        .addColumn('applications', 'text', (c) => c.notNull())
        .addColumn('delay_ms', 'integer', (c) => c.notNull())
        .addColumn('last_status', 'text', (c) => c.notNull())
        .addColumn('is_online', 'integer', (c) => c.notNull())
        .addColumn('node_id', 'text', (c) => c.notNull())
        .addColumn('last_seen_at', 'bigint', (c) => c.notNull())
        .addColumn('message_queue_paused', 'integer', (c) => c.notNull())
        .addColumn('call_queue_paused', 'integer', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('devices_project_key', ['project_id', 'device_key'])
        .execute();
      await db.schema.createIndex('devices_by_token').on('devices').column('token_hash').execute();

      await db.schema
        .createTable('inbound_messages')
        .addColumn('id', id, idColumn)
        .addColumn('project_id', 'bigint', (c) => c.notNull())
        .addColumn('device_id', 'bigint', (c) => c.notNull())
        .addColumn('channel_id', 'bigint')
        .addColumn('application', 'integer', (c) => c.notNull())
        .addColumn('external_id', 'text', (c) => c.notNull())
        .addColumn('sender', 'text', (c) => c.notNull())
        .addColumn('sender_name', 'text', (c) => c.notNull())
        .addColumn('type', 'integer', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('media_url', 'text', (c) => c.notNull())
        .addColumn('quoted_msg_id', 'text', (c) => c.notNull())
        .addColumn('context_message_id', 'bigint')
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('inbound_messages_device_external', ['device_id', 'external_id'])
        .execute();
      await db.schema.createIndex('inbound_messages_by_project').on('inbound_messages').columns(['project_id', 'id']).execute();

      await db.schema.alterTable('messages').addColumn('device_id', 'bigint').execute();
      // Only messages a device holds unsent are looked up by device: indexing just those keeps the index
      // tiny and out of the way of queued inserts.
      await db.schema.createIndex('messages_held_by_device').on('messages').column('device_id').where(sql.ref('state'), '=', 'sending').execute();
    },
  };
}
