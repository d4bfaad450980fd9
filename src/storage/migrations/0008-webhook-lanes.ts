// Webhook lanes: a worker claims the due deliveries of one project and origin through this index, so a
// hanging receiver's backlog (older, and skipped) is never read past to reach another project's calls.
import { sql, type Kysely, type Migration } from 'kysely';
import type { DialectCapabilities } from '../capabilities.js';

export function webhookLanesMigration(_capabilities: DialectCapabilities): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createIndex('webhook_deliveries_due_by_project')
        .on('webhook_deliveries')
        .columns(['project_id', 'next_attempt_at'])
        .where(sql.ref('state'), '=', 'pending')
        .execute();
    },
  };
}
