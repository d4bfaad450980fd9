// Secrets at rest: the data directory and SQLite files are private, a dump of the database shows no
// license key, webhook secret or WhatsApp Web credential in clear, and the gateway still pairs phones,
// signs webhooks and resumes WhatsApp Web sessions — also from rows written in clear before sealing, and
// after a key rotation. A gateway with another key refuses to start.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, ensureAccount, firstStartBlock, type Gateway } from '../src/app/index.js';
import { createLogger } from '../src/app/logger.js';
import { loadConfig } from '../src/config/index.js';
import { newSecretKey, parseSecretKey, secretKeyId, verifyWebhook } from '../src/core/index.js';
import type { SqlStorage } from '../src/storage/index.js';
import { waitUntil } from './support/agents.js';
import { FakeWhatsApp } from './support/fake-whatsapp.js';
import { connectRawDevice, hello } from './support/raw-device.js';
import { MASTER_TOKEN } from './support/test-gateway.js';
import { TEST_SECRET_KEY, testSecretBox } from './support/test-storage.js';
import { WEB_ENV, startWebSuite, type WebSuite } from './support/whatsapp-web.js';

const CREDS_MARK = 'noiseKey';
const KEY_MARK = '"public":"a"';

/** Every row of every table of our schema, as text: what someone reading the database would see. */
async function dumpDatabase(storage: SqlStorage): Promise<string> {
  const tables =
    storage.capabilities.dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(storage.db)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables where table_schema = current_schema()`.execute(storage.db);
  const parts: string[] = [];
  for (const { name } of tables.rows) {
    const { rows } = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(storage.db);
    parts.push(`${name}: ${JSON.stringify(rows, (_key, value: unknown) => (Buffer.isBuffer(value) ? value.toString('latin1') : value))}`);
  }
  return parts.join('\n');
}

describe('files of the embedded database', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('are 0600 (with -wal and -shm) in a 0700 data directory, key file included, and hold no clear secret', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'sb-rest-')), 'data');
    dirs.push(dataDir);
    // A directory and database from before this rule, readable by everyone, are restricted too.
    mkdirSync(dataDir, { mode: 0o755 });
    chmodSync(dataDir, 0o755);
    writeFileSync(join(dataDir, 'switchboard.db'), '', { mode: 0o644 });
    chmodSync(join(dataDir, 'switchboard.db'), 0o644);
    const config = loadConfig({ env: { SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_MASTER_TOKEN: MASTER_TOKEN, LOG_LEVEL: 'silent' } });
    const gateway = await createGateway({ config, logger: createLogger('silent'), whatsappClients: new FakeWhatsApp() });
    try {
      const report = await ensureAccount(gateway);
      const project = (await gateway.storage.stores.projects.findById(report.demo!.projectId))!;
      const mode = (file: string) => statSync(join(dataDir, file)).mode & 0o777;
      expect(statSync(dataDir).mode & 0o777).toBe(0o700);
      for (const file of ['switchboard.db', 'switchboard.db-wal', 'switchboard.db-shm', 'secret.key']) expect(mode(file), file).toBe(0o600);
      // The raw bytes on disk: neither the license key nor the webhook secret appears.
      const bytes = ['switchboard.db', 'switchboard.db-wal'].map((file) => readFileSync(join(dataDir, file)).toString('latin1')).join('');
      expect(bytes).not.toContain(project.licenseKey);
      expect(bytes).not.toContain(project.webhookSecret);
      expect(bytes).not.toContain(report.demo!.apiToken);
      // The first-start block says what is really kept: hashes of the tokens, the license key encrypted.
      const block = firstStartBlock(report, 'http://localhost:8080');
      expect(block).toContain(project.licenseKey);
      expect(block).toMatch(/tokens .*only their hashes/);
      expect(block).toMatch(/license key is stored encrypted/);
    } finally {
      await gateway.close();
    }
  });
});

describe('secrets in the database', () => {
  let s: WebSuite;
  beforeAll(async () => {
    s = await startWebSuite();
  });
  afterAll(async () => {
    await s?.close();
  });

  const project = async () => (await s.g.t.gateway.storage.stores.projects.findById(s.g.t.projectId))!;
  const webChannelId = async () => (await s.g.t.gateway.services.channels.listForProject(s.g.t.projectId)).find((channel) => channel.kind === 10)!.id;

  it('are sealed: a dump shows no license key, webhook secret, API token or WhatsApp Web credential', async () => {
    await s.pair('15550004444');
    const hook = await s.g.t.post('pm/set-webhook', { token: s.g.t.masterToken, project_id: s.g.t.projectId, global_webhook: `${s.hooks.url}/in` });
    expect(hook.webhook_secret).toMatch(/^whsec_/);
    const { licenseKey, webhookSecret } = await project();
    const dump = await dumpDatabase(s.g.t.gateway.storage);
    expect(dump).toContain('sb1:');
    for (const secret of [licenseKey, webhookSecret, hook.webhook_secret as string, s.g.t.apiToken, MASTER_TOKEN, CREDS_MARK, KEY_MARK]) expect(dump).not.toContain(secret);
    // The pm API still shows the license key (and its pairing QR code) to the account holder.
    const listed = await s.g.t.post('pm/get-projects', { token: s.g.t.masterToken, project_id: s.g.t.projectId });
    expect(JSON.stringify(listed)).toContain(licenseKey);
  });

  it('still pair phones by license key and sign webhooks with the stored secret', async () => {
    const { licenseKey, webhookSecret } = await project();
    const device = await connectRawDevice(s.g.url);
    s.g.track(() => device.close());
    device.send(hello(licenseKey, 'sealed-phone'));
    await device.next('welcome');
    device.send({ type: 'inbound', id: 'in-1', application: 1, number: '15550001111', msg_type: 1, text: 'signed?' });
    await device.next('inbound_ack');
    const [call] = await s.hooks.waitForCalls(1);
    expect(verifyWebhook(webhookSecret, call!.headers['x-switchboard-timestamp'] as string, call!.body, call!.headers['x-switchboard-signature'] as string)).toBe(true);
    await device.close();
    const wrong = await connectRawDevice(s.g.url);
    s.g.track(() => wrong.close());
    wrong.send(hello(licenseKey.replace(/.$/, (last) => (last === '0' ? '1' : '0')), 'wrong-phone'));
    expect((await wrong.next('refused')).reason).toBeDefined();
  });

  it('written in clear before sealing are sealed at the next start and keep working: session resumed, phone paired, same secret', async () => {
    const storage = s.g.t.gateway.storage;
    const before = await project();
    const channelId = await webChannelId();
    const creds = await storage.stores.whatsappWeb.readCreds(channelId);
    expect(creds).toContain(CREDS_MARK);
    // Rows as the previous version wrote them: everything in clear, no license key hash.
    await storage.db.updateTable('projects').set({ license_key: before.licenseKey, license_key_hash: '', webhook_secret: before.webhookSecret }).where('id', '=', before.id).execute();
    await storage.db.updateTable('whatsapp_web_sessions').set({ creds }).where('channel_id', '=', channelId).execute();
    await storage.db.updateTable('whatsapp_web_keys').set({ value: '{"public":"a","private":"b"}' }).where('channel_id', '=', channelId).where('key_id', '=', '1').execute();
    expect(await dumpDatabase(storage)).toContain(before.webhookSecret);

    await s.g.t.gateway.whatsappWeb.close();
    const whatsapp = new FakeWhatsApp();
    const config = loadConfig({ env: { ...WEB_ENV, SWITCHBOARD_MASTER_TOKEN: MASTER_TOKEN, SWITCHBOARD_SECRET_KEY: TEST_SECRET_KEY, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' } });
    const second = await createGateway({ config, storage, logger: createLogger('silent'), whatsappClients: whatsapp });
    try {
      const dump = await dumpDatabase(storage);
      for (const secret of [before.licenseKey, before.webhookSecret, CREDS_MARK, KEY_MARK]) expect(dump).not.toContain(secret);
      await second.listen();
      await waitUntil(async () => (await storage.stores.whatsappWeb.findSession(channelId))?.state === 'connected' && whatsapp.sockets.length === 1);
      expect(whatsapp.current.qrShown).toEqual([]);
      expect((await storage.stores.whatsappWeb.readKeys(channelId, 'pre-key', ['1'])).get('1')).toBe('{"public":"a","private":"b"}');
      const after = (await second.storage.stores.projects.findById(before.id))!;
      expect(after).toMatchObject({ licenseKey: before.licenseKey, webhookSecret: before.webhookSecret });
      const device = await connectRawDevice(urlOf(second));
      device.send(hello(before.licenseKey, 'after-restart'));
      await device.next('welcome');
      await device.close();
    } finally {
      await stopWithoutStorage(second);
    }
  });

  it('are re-sealed under a new key when the old one is kept as previous; a gateway with another key refuses to start', async () => {
    const storage = s.g.t.gateway.storage;
    const other = newSecretKey();
    const env = (extra: Record<string, string>) => loadConfig({ env: { ...WEB_ENV, SWITCHBOARD_MASTER_TOKEN: MASTER_TOKEN, LOG_LEVEL: 'silent', ...extra } });
    await expect(createGateway({ config: env({ SWITCHBOARD_SECRET_KEY: other }), storage, logger: createLogger('silent'), whatsappClients: new FakeWhatsApp() })).rejects.toThrow(
      /sealed with secret key .* SWITCHBOARD_SECRET_KEY/,
    );
    // A Meta channel's credentials, sealed by its service: re-sealed by the same pass.
    const box = testSecretBox();
    await sql`insert into meta_accounts (channel_id, project_id, kind, external_id, waba_id, access_token, app_secret, verify_token_hash, created_at, updated_at)
      values (${9999}, ${s.g.t.projectId}, ${101}, ${'123456'}, ${''}, ${box.seal('EAAG-access-token')}, ${box.seal('meta-app-secret')}, ${'x'}, ${0}, ${0})`.execute(storage.db);
    const before = await dumpDatabase(storage);
    expect(before).toContain(`sb1:${secretKeyId(parseSecretKey(TEST_SECRET_KEY)!)}:`);

    const rotated = await createGateway({ config: env({ SWITCHBOARD_SECRET_KEY: other, SWITCHBOARD_SECRET_KEY_PREVIOUS: TEST_SECRET_KEY }), storage, logger: createLogger('silent'), whatsappClients: new FakeWhatsApp() });
    try {
      const dump = await dumpDatabase(storage);
      const oldId = secretKeyId(parseSecretKey(TEST_SECRET_KEY)!);
      expect(dump).not.toContain(`sb1:${oldId}:`);
      expect(dump).toContain(`sb1:${secretKeyId(parseSecretKey(other)!)}:`);
      const { licenseKey } = (await rotated.storage.stores.projects.findById(s.g.t.projectId))!;
      expect((await rotated.storage.stores.projects.findByLicenseKey(licenseKey))?.id).toBe(s.g.t.projectId);
      expect(await rotated.storage.stores.whatsappWeb.readCreds(await webChannelId())).toContain(CREDS_MARK);
      const { rows } = await sql<{ access_token: string; app_secret: string }>`select access_token, app_secret from meta_accounts where channel_id = ${9999}`.execute(storage.db);
      expect([rotated.services.secrets.open(rows[0]!.access_token), rotated.services.secrets.open(rows[0]!.app_secret)]).toEqual(['EAAG-access-token', 'meta-app-secret']);
    } finally {
      await stopWithoutStorage(rotated);
    }
    // Once re-sealed, the old key alone no longer opens the database.
    await expect(createGateway({ config: env({ SWITCHBOARD_SECRET_KEY: TEST_SECRET_KEY }), storage, logger: createLogger('silent'), whatsappClients: new FakeWhatsApp() })).rejects.toThrow(
      /sealed with secret key/,
    );
    // The suite's own gateway shares this storage: give it the key the rows are sealed under now.
    const back = await createGateway({ config: env({ SWITCHBOARD_SECRET_KEY: TEST_SECRET_KEY, SWITCHBOARD_SECRET_KEY_PREVIOUS: other }), storage, logger: createLogger('silent'), whatsappClients: new FakeWhatsApp() });
    await stopWithoutStorage(back);
  });
});

function urlOf(gateway: Gateway): string {
  return `http://127.0.0.1:${(gateway.http.server.address() as { port: number }).port}`;
}

/** A second gateway on a suite's storage: stopped without closing the storage the suite still uses. */
async function stopWithoutStorage(gateway: Gateway): Promise<void> {
  await gateway.whatsappWeb.close();
  await gateway.bridge.close();
  await gateway.http.close();
  await gateway.webhookDispatcher.close();
}
