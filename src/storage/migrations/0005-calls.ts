// Call conferences (application 4): one row per conference (its id is a push id, drawn from `pushes`),
// one row per member call, and what each device can merge into one call.
import { sql, type Kysely, type Migration } from 'kysely';
import { autoIncrementId, type DialectCapabilities } from '../capabilities.js';

export function callsMigration(capabilities: DialectCapabilities): Migration {
  const [id, idColumn] = autoIncrementId(capabilities);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // Devices that said nothing about it are taken at their word that they carry application 4 fully.
      await db.schema.alterTable('devices').addColumn('max_call_members', 'integer', (c) => c.notNull().defaultTo(5)).execute();

      await db.schema
        .createTable('conferences')
        .addColumn('id', 'bigint', (c) => c.primaryKey().references('pushes.id'))
        .addColumn('project_id', 'bigint', (c) => c.notNull().references('projects.id'))
        .addColumn('channel_id', 'bigint', (c) => c.notNull())
        .addColumn('priority', 'integer', (c) => c.notNull())
        .addColumn('mute_gateway', 'integer', (c) => c.notNull())
        .addColumn('record', 'integer', (c) => c.notNull())
        .addColumn('member_count', 'integer', (c) => c.notNull())
        .addColumn('total_credit', 'bigint', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('device_id', 'bigint')
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('last_error', 'text', (c) => c.notNull())
        .addColumn('dispatched_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // The call queue is read by project in priority-then-age order; only waiting rows are indexed.
      await db.schema.createIndex('conferences_queued').on('conferences').columns(['project_id', 'priority', 'id']).where(sql.ref('state'), '=', 'queued').execute();
      await db.schema.createIndex('conferences_dialing').on('conferences').column('device_id').where(sql.ref('state'), '=', 'dialing').execute();

      await db.schema
        .createTable('calls')
        .addColumn('id', id, idColumn)
        .addColumn('conference_id', 'bigint', (c) => c.notNull().references('conferences.id'))
        .addColumn('project_id', 'bigint', (c) => c.notNull())
        .addColumn('position', 'integer', (c) => c.notNull())
        .addColumn('number', 'text', (c) => c.notNull())
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('duration', 'integer', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('calls_by_conference').on('calls').columns(['conference_id', 'position']).execute();
    },
  };
}
