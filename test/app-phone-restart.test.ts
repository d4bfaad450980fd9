// A gateway that stops while a phone running the SMS Gateway for Android app holds messages: after the
// restart (same database) the phone is served what it held, under the same ids, so the app (whose store
// is keyed by message id) sends each once; its token still works, and reports complete the messages.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from '../src/app/index.js';
import { createLogger } from '../src/app/logger.js';
import { loadConfig } from '../src/config/index.js';
import { dropPostgresSchema, openStorage } from '../src/storage/index.js';
import { AndroidAppReplay, type AppMessage } from './support/android-app.js';
import { waitUntil } from './support/agents.js';
import { startListeningGateway } from './support/listening-gateway.js';
import { MASTER_TOKEN } from './support/test-gateway.js';
import { openTestStorage, POSTGRES_URL, TEST_SECRET_KEY, testSecretBox } from './support/test-storage.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

const ENV = { SWITCHBOARD_APP_PHONE_DELAY_MS: '0', SWITCHBOARD_DISPATCH_POLL_MS: '50' };

/** The second life of the gateway, on the database the first one left: no first start, same port-free setup. */
async function restart(databaseUrl: string): Promise<{ gateway: Gateway; url: string }> {
  const storage = await openStorage({ databaseUrl, dataDir: '', poolSize: 2 });
  storage.useSecrets(testSecretBox());
  const config = loadConfig({ env: { PORT: '0', HOST: '127.0.0.1', SWITCHBOARD_MASTER_TOKEN: MASTER_TOKEN, SWITCHBOARD_SECRET_KEY: TEST_SECRET_KEY, SWITCHBOARD_ALLOW_PRIVATE_URLS: 'true', LOG_LEVEL: 'silent', ...ENV } });
  const gateway = await createGateway({ config, storage, logger: createLogger('silent') });
  await gateway.listen();
  cleanups.push(() => gateway.close());
  return { gateway, url: `http://127.0.0.1:${(gateway.http.server.address() as { port: number }).port}` };
}

describe('a gateway restart', () => {
  it('serves the phone what it held, under the same ids, and loses nothing', { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-app-phone-'));
    const test = await openTestStorage({ sqliteFile: join(dir, 'switchboard.db') });
    const schema = new URL(test.databaseUrl).searchParams.get('options')?.split('=')[1];
    cleanups.push(async () => {
      if (POSTGRES_URL && schema) await dropPostgresSchema(POSTGRES_URL, schema);
      rmSync(dir, { recursive: true, force: true });
    });
    const g = await startListeningGateway(ENV, { storage: test });
    const app = new AndroidAppReplay(`${g.url}/api/mobile/v1`, g.licenseKey);
    expect((await app.register()).status).toBe(201);
    const pushed = await g.t.post('push', { token: g.t.apiToken, application: 3, globalmessage: 'survives', data: [{ number: '15550001111' }, { number: '15550002222' }] });
    const fetched: AppMessage[] = [];
    await waitUntil(async () => {
      fetched.push(...(await app.pull()));
      return fetched.length === 2;
    });
    // One is sent before the stop; the other is only queued on the phone (Pending) when the gateway stops.
    await app.setState(fetched[0]!.id, 'Processed');
    await app.setState(fetched[0]!.id, 'Sent');
    await g.t.gateway.close();

    const second = await restart(test.databaseUrl);
    const again = new AndroidAppReplay(`${second.url}/api/mobile/v1`, g.licenseKey);
    again.registration = app.registration;
    for (const [id, entry] of app.local) again.local.set(id, entry);
    // The same token works; the message still pending is served again, and the app queues nothing new.
    const served = await again.call<AppMessage[]>('GET', '/message');
    expect(served.status).toBe(200);
    expect(served.body.map((message) => message.id)).toEqual([fetched[1]!.id]);
    expect(await again.pull()).toEqual([]);
    await again.setState(fetched[1]!.id, 'Processed');
    await again.setState(fetched[1]!.id, 'Sent');
    await again.setState(fetched[0]!.id, 'Delivered');
    await again.setState(fetched[1]!.id, 'Delivered');
    const messages = await second.gateway.storage.stores.messages.listByPush(Number(pushed.push_id));
    await waitUntil(async () => (await second.gateway.storage.stores.messages.listByPush(Number(pushed.push_id))).every((message) => message.state === 'delivered'));
    expect(messages).toHaveLength(2);
    for (const message of messages) {
      const timeline = await second.gateway.services.messages.timeline(message.id);
      expect(timeline.map((event) => event.state)).toEqual(['queued', 'sending', 'submitted', 'delivered']);
    }
  });
});
