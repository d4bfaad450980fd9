// Channels, pushes with their messages, uploaded media, the per-message timeline and idempotency keys.
import { sql, type Kysely, type Migration } from 'kysely';
import { autoIncrementId, type DialectCapabilities } from '../capabilities.js';

/** Channel ids start above every application number, so `application` can never mean both. */
const FIRST_CHANNEL_ID = 1001;
const PHONE_CHANNELS = [
  [1, 'WhatsApp (phone)'],
  [2, 'WhatsApp Business (phone)'],
  [3, 'SMS (phone)'],
  [4, 'Calls (phone)'],
] as const;

export function pushMigration(capabilities: DialectCapabilities): Migration {
  const [id, idColumn] = autoIncrementId(capabilities);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('channels')
        .addColumn('id', id, idColumn)
        .addColumn('project_id', 'bigint', (c) => c.notNull().references('projects.id'))
        .addColumn('kind', 'integer', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('settings', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('channels_by_project').on('channels').columns(['project_id', 'kind']).execute();
      if (capabilities.dialect === 'sqlite') {
        await sql`insert into sqlite_sequence (name, seq) values ('channels', ${FIRST_CHANNEL_ID - 1})`.execute(db);
      } else {
        await sql.raw(`alter sequence channels_id_seq restart with ${FIRST_CHANNEL_ID}`).execute(db);
      }
      // Projects created before channels existed get the phone-automation channels new projects get.
      for (const [kind, name] of PHONE_CHANNELS) {
        await sql`insert into channels (project_id, kind, name, settings, status, created_at, updated_at)
                  select id, ${kind}, ${name}, '{}', 'active', created_at, created_at from projects where service = 1 order by id`.execute(db);
      }

      await db.schema
        .createTable('pushes')
        .addColumn('id', id, idColumn)
        .addColumn('project_id', 'bigint', (c) => c.notNull().references('projects.id'))
        .addColumn('channel_id', 'bigint', (c) => c.notNull())
        .addColumn('application', 'integer', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('message_type', 'integer', (c) => c.notNull())
        .addColumn('message_count', 'integer', (c) => c.notNull())
        .addColumn('total_credit', 'bigint', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('push_media')
        .addColumn('id', id, idColumn)
        .addColumn('push_id', 'bigint', (c) => c.notNull().references('pushes.id'))
        .addColumn('mime', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('file_name', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('size', 'bigint', (c) => c.notNull())
        .addColumn('data', capabilities.binaryColumnType, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('push_media_by_push').on('push_media').column('push_id').execute();

      await db.schema
        .createTable('messages')
        .addColumn('id', id, idColumn)
        .addColumn('push_id', 'bigint', (c) => c.notNull().references('pushes.id'))
        .addColumn('project_id', 'bigint', (c) => c.notNull())
        .addColumn('channel_id', 'bigint', (c) => c.notNull())
        .addColumn('application', 'integer', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('recipient', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('media_url', 'text', (c) => c.notNull())
        .addColumn('media_id', 'bigint')
        .addColumn('details', 'text')
        .addColumn('reference_number', 'text', (c) => c.notNull())
        .addColumn('quoted', 'text', (c) => c.notNull())
        .addColumn('credit', 'bigint', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('last_error', 'text', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint')
        .addColumn('locked_by', 'text')
        .addColumn('locked_until', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('messages_by_push').on('messages').columns(['push_id', 'id']).execute();
      // The send queue: only queued rows are indexed, so the index stays as small as the queue.
      await db.schema
        .createIndex('messages_queue')
        .on('messages')
        .columns(['channel_id', 'priority desc', 'id'])
        .where(sql.ref('state'), '=', 'queued')
        .execute();

      await db.schema
        .createTable('message_events')
        .addColumn('id', id, idColumn)
        .addColumn('message_id', 'bigint', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('error', 'text', (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('message_events_by_message').on('message_events').columns(['message_id', 'id']).execute();

      await db.schema
        .createTable('idempotency_keys')
        .addColumn('project_id', 'bigint', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('response', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pk', ['project_id', 'key'])
        .execute();
      await db.schema.createIndex('idempotency_keys_by_age').on('idempotency_keys').column('created_at').execute();
    },
  };
}
