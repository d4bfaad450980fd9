// The SQL implementation of core's Storage: stores bound to the database or to one transaction,
// migrations, and the readiness probe.
import { Kysely, Migrator, sql } from 'kysely';
import type { Storage, Stores } from '../core/stores.js';
import { SqlAccountStore } from './account-store.js';
import { SqlApiTokenStore } from './api-token-store.js';
import { SqlCallStore } from './call-store.js';
import { SqlChannelStore } from './channel-store.js';
import { SqlDeviceStore } from './device-store.js';
import { SqlInboundStore } from './inbound-store.js';
import { SqlMessageStore } from './message-store.js';
import { SqlPushStore } from './push-store.js';
import type { DialectCapabilities } from './capabilities.js';
import { migrationProvider } from './migrations/index.js';
import { SqlProjectStore } from './project-store.js';
import type { Schema } from './schema.js';
import { SqlWalletStore } from './wallet-store.js';
import { SqlWebhookStore } from './webhook-store.js';
import { SqlWhatsAppWebStore } from './whatsapp-web-store.js';
import { SqlMetaStore } from './meta-store.js';
import { SqlConsoleSessionStore } from './console-session-store.js';
import { sealStoredSecrets, type SealingReport } from './secret-sealing.js';
import { StoredSecrets, type ResealingBox } from './stored-secrets.js';
import { ObserverSlot, type StorageObserver } from './storage-observer.js';
import type { NodeChannel } from './node-channel.js';

/** SQLSTATE "invalid schema name": a schema that does not exist (any more). */
const UNDEFINED_SCHEMA = '3F000';
const MIGRATE_ATTEMPTS = 3;

export interface MigrationReport {
  applied: string[];
  pending: string[];
}

function storesOn(db: Kysely<Schema>, capabilities: DialectCapabilities, secrets: StoredSecrets, slot: ObserverSlot): Stores {
  return {
    accounts: new SqlAccountStore(db),
    wallet: new SqlWalletStore(db, slot),
    projects: new SqlProjectStore(db, secrets),
    apiTokens: new SqlApiTokenStore(db),
    channels: new SqlChannelStore(db),
    pushes: new SqlPushStore(db, capabilities, slot),
    messages: new SqlMessageStore(db, capabilities),
    devices: new SqlDeviceStore(db),
    inbound: new SqlInboundStore(db, capabilities),
    webhooks: new SqlWebhookStore(db, capabilities),
    calls: new SqlCallStore(db),
    whatsappWeb: new SqlWhatsAppWebStore(db, secrets),
    meta: new SqlMetaStore(db),
    consoleSessions: new SqlConsoleSessionStore(db),
  };
}

export class SqlStorage implements Storage {
  readonly stores: Stores;
  private readonly secrets = new StoredSecrets();

  constructor(
    readonly db: Kysely<Schema>,
    readonly capabilities: DialectCapabilities,
    /** PostgreSQL schema that holds our tables; the migrator must look only there. */
    private readonly schema?: string,
    /** Shared with the timed driver that opened `db` (openStorage); a bare one otherwise. */
    private readonly slot: ObserverSlot = new ObserverSlot(),
    /** Wake-ups between the nodes sharing this PostgreSQL database (none on SQLite: one process). */
    readonly nodeChannel?: NodeChannel,
  ) {
    this.stores = storesOn(db, capabilities, this.secrets, slot);
  }

  transaction<T>(work: (stores: Stores) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => work(storesOn(trx, this.capabilities, this.secrets, this.slot)));
  }

  /** Tells `observer` about transaction times and wallet debits from now on (the gateway's metrics). */
  observe(observer: StorageObserver): void {
    this.slot.attach(observer);
  }

  /** The box stores seal secrets with (the key comes from configuration, known after opening). */
  useSecrets(box: ResealingBox): void {
    this.secrets.use(box);
  }

  /** The start-up pass: refuses a key that is not this database's, seals clear rows, re-seals after a rotation. */
  sealSecrets(): Promise<SealingReport> {
    return sealStoredSecrets(this.db, this.secrets.current);
  }

  private migrator(): Migrator {
    return new Migrator({
      db: this.db,
      provider: migrationProvider(this.capabilities),
      // Without this the migrator's table check also sees other schemas' tables on a shared server.
      ...(this.schema ? { migrationTableSchema: this.schema } : {}),
    });
  }

  /** Applies every pending migration; answers the names applied by this call. */
  async migrate(): Promise<string[]> {
    for (let attempt = 1; ; attempt += 1) {
      const { error, results } = await this.migrator().migrateToLatest();
      // The migrator's table check reads the catalog of every schema: another client dropping one of its
      // own schemas meanwhile (a shared server, parallel test suites) fails it without concerning ours.
      if (error && (error as { code?: unknown }).code === UNDEFINED_SCHEMA && attempt < MIGRATE_ATTEMPTS) continue;
      if (error) throw new Error('database migration failed', { cause: error });
      return (results ?? []).filter((result) => result.status === 'Success').map((result) => result.migrationName);
    }
  }

  async migrationReport(): Promise<MigrationReport> {
    const migrations = await this.migrator().getMigrations();
    return {
      applied: migrations.filter((m) => m.executedAt !== undefined).map((m) => m.name),
      pending: migrations.filter((m) => m.executedAt === undefined).map((m) => m.name),
    };
  }

  /** Ready means: the database answers and no migration is pending. */
  async isReady(): Promise<{ ready: boolean; reason?: string }> {
    try {
      await sql`select 1`.execute(this.db);
      const report = await this.migrationReport();
      if (report.pending.length > 0) return { ready: false, reason: `pending migrations: ${report.pending.join(', ')}` };
      return { ready: true };
    } catch (error) {
      return { ready: false, reason: `database unreachable: ${(error as Error).message}` };
    }
  }

  async close(): Promise<void> {
    // Kysely's destroy ends the PostgreSQL pool or closes the SQLite handle.
    await this.db.destroy();
  }
}
