// The webhook outbox (one row per call, with its attempts and instant reply), delivery report items
// waiting to be batched, each project's webhook secret and retry schedule, and inbound message details.
import { sql, type Kysely, type Migration } from 'kysely';
import { newWebhookSecret } from '../../core/secrets.js';
import { autoIncrementId, type DialectCapabilities } from '../capabilities.js';

export function webhooksMigration(capabilities: DialectCapabilities): Migration {
  const [id, idColumn] = autoIncrementId(capabilities);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('projects').addColumn('webhook_secret', 'text', (c) => c.notNull().defaultTo('')).execute();
      await db.schema.alterTable('projects').addColumn('webhook_retry_schedule', 'text', (c) => c.notNull().defaultTo('')).execute();
      // Projects created before webhooks were signed get their own secret now.
      const { rows } = await sql<{ id: number }>`select id from projects`.execute(db);
      for (const row of rows) await sql`update projects set webhook_secret = ${newWebhookSecret()} where id = ${row.id}`.execute(db);

      await db.schema.alterTable('inbound_messages').addColumn('details', 'text', (c) => c.notNull().defaultTo('{}')).execute();

      await db.schema
        .createTable('webhook_deliveries')
        .addColumn('id', id, idColumn)
        .addColumn('project_id', 'bigint', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('event_id', 'text', (c) => c.notNull().unique())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('payload', 'text', (c) => c.notNull())
        .addColumn('inbound_id', 'bigint')
        .addColumn('retry_schedule', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
        .addColumn('claimed_until', 'bigint')
        .addColumn('last_error', 'text', (c) => c.notNull())
        .addColumn('response_code', 'integer')
        .addColumn('latency_ms', 'integer')
        .addColumn('delivered_at', 'bigint')
        .addColumn('reply', 'text', (c) => c.notNull())
        .addColumn('reply_state', 'text', (c) => c.notNull())
        .addColumn('reply_due_at', 'bigint')
        .addColumn('reply_push_id', 'text', (c) => c.notNull())
        .addColumn('reply_error', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      // Workers look only at what is due: partial indexes keep delivered rows (nearly all) out of the way.
      await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').column('next_attempt_at').where(sql.ref('state'), '=', 'pending').execute();
      await db.schema.createIndex('webhook_replies_due').on('webhook_deliveries').column('reply_due_at').where(sql.ref('reply_state'), '=', 'pending').execute();
      await db.schema.createIndex('webhook_deliveries_by_project').on('webhook_deliveries').columns(['project_id', 'id']).execute();

      await db.schema
        .createTable('webhook_event_items')
        .addColumn('id', id, idColumn)
        .addColumn('project_id', 'bigint', (c) => c.notNull())
        .addColumn('item', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('webhook_event_items_by_project').on('webhook_event_items').columns(['project_id', 'id']).execute();
    },
  };
}
