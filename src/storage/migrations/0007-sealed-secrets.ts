// Secrets at rest: license keys get a hash column for lookup (the license_key column then holds the key
// sealed, for pm/get-projects to show), and a settings table holds the secret key check. The sealing of
// existing rows needs the key, which migrations do not have: the gateway does it at start-up.
import { sql, type Kysely, type Migration } from 'kysely';
import { hashToken } from '../../core/secrets.js';
import type { DialectCapabilities } from '../capabilities.js';

export function sealedSecretsMigration(_capabilities: DialectCapabilities): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('projects').addColumn('license_key_hash', 'text', (c) => c.notNull().defaultTo('')).execute();
      const { rows } = await sql<{ id: number; license_key: string }>`select id, license_key from projects`.execute(db);
      for (const row of rows) await sql`update projects set license_key_hash = ${hashToken(row.license_key)} where id = ${row.id}`.execute(db);
      await db.schema.createIndex('projects_license_key_hash').on('projects').column('license_key_hash').unique().execute();

      await db.schema
        .createTable('gateway_settings')
        .addColumn('name', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
