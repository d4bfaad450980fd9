// Accounts, the wallet and its ledger, projects and API tokens.
import { sql, type Kysely, type Migration } from 'kysely';
import { autoIncrementId, type DialectCapabilities } from '../capabilities.js';

export function foundationMigration(capabilities: DialectCapabilities): Migration {
  const [id, idColumn] = autoIncrementId(capabilities);
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('accounts')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('master_token_hash', 'text', (c) => c.notNull())
        .addColumn('disabled_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('wallets')
        .addColumn('account_id', 'integer', (c) => c.primaryKey().references('accounts.id'))
        // The wallet can never be overdrawn, whatever the code above the database does.
        .addColumn('balance', 'bigint', (c) => c.notNull().check(sql`balance >= 0`))
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('wallet_entries')
        .addColumn('id', id, idColumn)
        .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('amount', 'bigint', (c) => c.notNull())
        .addColumn('balance_after', 'bigint', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('reference', 'text', (c) => c.notNull())
        .addColumn('project_id', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('wallet_entries_by_account').on('wallet_entries').columns(['account_id', 'id']).execute();

      await db.schema
        .createTable('projects')
        .addColumn('id', id, idColumn)
        .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('number', 'text', (c) => c.notNull())
        .addColumn('company_name', 'text', (c) => c.notNull())
        .addColumn('country', 'text', (c) => c.notNull())
        .addColumn('time_zone', 'text', (c) => c.notNull())
        .addColumn('date_format', 'text', (c) => c.notNull())
        .addColumn('service', 'integer', (c) => c.notNull())
        .addColumn('billing_plan', 'integer', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('license_key', 'text', (c) => c.notNull().unique())
        .addColumn('global_webhook', 'text', (c) => c.notNull())
        .addColumn('event_webhook', 'text', (c) => c.notNull())
        .addColumn('smart_reply_webhook', 'text', (c) => c.notNull())
        .addColumn('webhook_format', 'text', (c) => c.notNull())
        .addColumn('notes', 'text', (c) => c.notNull())
        .addColumn('next_billing_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('projects_by_next_billing').on('projects').columns(['status', 'next_billing_at']).execute();

      await db.schema
        .createTable('api_tokens')
        .addColumn('id', id, idColumn)
        .addColumn('project_id', 'bigint', (c) => c.notNull().references('projects.id'))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('hint', 'text', (c) => c.notNull())
        .addColumn('ip_allow_list', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('api_tokens_by_project').on('api_tokens').column('project_id').execute();
    },
  };
}
