// Opens a real, migrated database for one suite: in-memory SQLite by default, or a fresh schema on the
// PostgreSQL that DATABASE_URL points at (CI's second pass). Close it in afterAll/afterEach.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { AesGcmSecretBox, parseSecretKey } from '../../src/core/index.js';
import { dropPostgresSchema, isPostgresUrl, openStorage, type SqlStorage } from '../../src/storage/index.js';

export const POSTGRES_URL = isPostgresUrl(process.env.DATABASE_URL ?? '') ? process.env.DATABASE_URL! : undefined;

export interface TestStorage {
  storage: SqlStorage;
  /** The DATABASE_URL a child process or CLI run should use to reach the same data. */
  databaseUrl: string;
  close(): Promise<void>;
}

/** Every test database seals with this key; test gateways are configured with it too. */
export const TEST_SECRET_KEY = '5b'.repeat(32);

export function testSecretBox(): AesGcmSecretBox {
  return new AesGcmSecretBox(parseSecretKey(TEST_SECRET_KEY)!);
}

export function newSchemaName(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

/** A PostgreSQL URL whose connections use `schema` (libpq's `options` parameter). */
export function urlWithSchema(url: string, schema: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set('options', `-c search_path=${schema}`);
  return parsed.toString();
}

/** An empty schema for a child process or CLI run on PostgreSQL: its DATABASE_URL, and its clean-up. */
export async function createTestSchema(url: string): Promise<{ databaseUrl: string; drop(): Promise<void> }> {
  const schema = newSchemaName();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA "${schema}"`);
  } finally {
    await client.end();
  }
  return { databaseUrl: urlWithSchema(url, schema), drop: () => dropPostgresSchema(url, schema) };
}

export async function openTestStorage(options: { sqliteFile?: string } = {}): Promise<TestStorage> {
  if (POSTGRES_URL) {
    const schema = newSchemaName();
    const storage = await openStorage({ databaseUrl: POSTGRES_URL, dataDir: '', poolSize: 10, schema });
    await storage.migrate();
    storage.useSecrets(testSecretBox());
    return {
      storage,
      databaseUrl: urlWithSchema(POSTGRES_URL, schema),
      async close() {
        await storage.close();
        await dropPostgresSchema(POSTGRES_URL, schema);
      },
    };
  }
  const file = options.sqliteFile ?? ':memory:';
  const storage = await openStorage({ databaseUrl: `sqlite:${file}`, dataDir: '', poolSize: 1 });
  await storage.migrate();
  storage.useSecrets(testSecretBox());
  return { storage, databaseUrl: `sqlite:${file}`, close: () => storage.close() };
}
