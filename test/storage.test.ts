// The SQL stores on both dialects: migrations, the single account, token hashing, transactions.
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiTokenService, Authenticator, hashToken, systemClock } from '../src/core/index.js';
import { openTestStorage, POSTGRES_URL, type TestStorage } from './support/test-storage.js';

let test: TestStorage;
beforeEach(async () => {
  test = await openTestStorage();
});
afterEach(async () => test.close());

const projectFields = {
  accountId: 1,
  name: 'P',
  number: '',
  companyName: '',
  country: '',
  timeZone: 'UTC',
  dateFormat: 'DD-MM-YYYY' as const,
  service: 1 as const,
  billingPlan: 1,
  status: 'Active' as const,
  globalWebhook: '',
  eventWebhook: '',
  smartReplyWebhook: '',
  webhookFormat: 'json' as const,
  webhookSecret: 'whsec_test',
  webhookRetrySchedule: '',
  notes: '',
  nextBillingAt: null,
};

describe('migrations', () => {
  it('are applied once and report nothing pending', async () => {
    expect(await test.storage.migrate()).toEqual([]);
    expect(await test.storage.migrationReport()).toEqual({ applied: ['0001_foundation', '0002_push', '0003_bridge', '0004_webhooks', '0005_calls', '0006_whatsapp_web', '0007_sealed_secrets', '0008_webhook_lanes', '0009_meta_channels', '0010_console_sessions', '0011_android_devices', '0012_messages_by_project'], pending: [] });
    expect(await test.storage.isReady()).toEqual({ ready: true });
  });

  it('declare the dialect capabilities in one place', () => {
    expect(test.storage.capabilities.dialect).toBe(POSTGRES_URL ? 'postgres' : 'sqlite');
    expect(test.storage.capabilities.supportsSkipLocked).toBe(Boolean(POSTGRES_URL));
  });
});

describe('accounts', () => {
  it('creates the one account once, even when two callers race', async () => {
    const results = await Promise.all([test.storage.stores.accounts.create('a', 1), test.storage.stores.accounts.create('b', 2)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await test.storage.stores.wallet.balance(1)).toBe(0);
  });
});

describe('API tokens', () => {
  it('stores only the hash of a token, never the token', async () => {
    await test.storage.stores.accounts.create('h', 1);
    const project = await test.storage.stores.projects.create({ ...projectFields, licenseKey: 'lk1' }, 1);
    const tokens = new ApiTokenService(test.storage, systemClock, new Authenticator(test.storage, systemClock, 1000));
    const issued = await tokens.issue(project.id, ['10.0.0.0/8']);
    expect(issued.token).toMatch(/^[0-9a-f]{40}$/);
    const rows = await sql<Record<string, unknown>>`select * from api_tokens`.execute(test.storage.db);
    const stored = JSON.stringify(rows.rows);
    expect(stored).not.toContain(issued.token);
    expect(stored).toContain(hashToken(issued.token));
    expect((await test.storage.stores.apiTokens.findByHash(hashToken(issued.token)))?.ipAllowList).toEqual(['10.0.0.0/8']);
  });

  it('keeps license keys unique', async () => {
    await test.storage.stores.accounts.create('h', 1);
    await test.storage.stores.projects.create({ ...projectFields, licenseKey: 'same' }, 1);
    await expect(test.storage.stores.projects.create({ ...projectFields, licenseKey: 'same' }, 1)).rejects.toThrow();
  });
});

describe('transactions', () => {
  it('commit all of their rows or none', async () => {
    await test.storage.stores.accounts.create('h', 1);
    await expect(
      test.storage.transaction(async (stores) => {
        await stores.projects.create({ ...projectFields, licenseKey: 'k1' }, 1);
        await stores.projects.create({ ...projectFields, licenseKey: 'k1' }, 1);
      }),
    ).rejects.toThrow();
    expect(await test.storage.stores.projects.list(1)).toEqual([]);
  });
});
