// A gateway killed with SIGKILL after Meta's webhooks were answered 200 but before their messages
// reached the global webhook loses none of them and reports none twice: the events were stored before
// the answer, and the restarted gateway processes them from the database.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from './support/agents.js';
import { buildCli, type BuiltCli } from './support/built-cli.js';
import { cloudWebhook, inboundChange, sendMetaWebhook, startFakeGraph, type FakeGraph } from './support/fake-graph.js';
import { createTestSchema, POSTGRES_URL } from './support/test-storage.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';
import { freePort } from './support/free-port.js';

const MASTER_TOKEN = 'meta-crash-master-token-0123456789';
const PHONE_NUMBER_ID = '106540352242922';
const WABA_ID = '102290129340398';
const APP_SECRET = 'c0ffee0123456789abcdef0123456789';
let cli: BuiltCli;
let graph: FakeGraph;
let receiver: WebhookReceiver;
const children: ChildProcess[] = [];
const schemas: { drop(): Promise<void> }[] = [];

beforeAll(async () => {
  [cli, graph, receiver] = await Promise.all([buildCli(), startFakeGraph(), startWebhookReceiver()]);
}, 120_000);
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  cli.remove();
  await graph.close();
  await receiver.close();
  for (const schema of schemas) await schema.drop();
});


async function databaseEnv(): Promise<Record<string, string>> {
  if (!POSTGRES_URL) return {};
  const schema = await createTestSchema(POSTGRES_URL);
  schemas.push(schema);
  return { DATABASE_URL: schema.databaseUrl };
}

function startGateway(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [cli.bin, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'ignore'] });
  children.push(child);
  return child;
}

const post = async (url: string, endpoint: string, body: unknown) => (await (await fetch(`${url}/api/v2/${endpoint}`, { method: 'POST', body: JSON.stringify(body) })).json()) as Record<string, any>;

describe('Meta webhooks across a SIGKILL', () => {
  it('hands every message Meta was answered 200 for to the global webhook once, after a restart', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const env = {
      PORT: String(port),
      HOST: '127.0.0.1',
      SWITCHBOARD_PUBLIC_URL: url,
      SWITCHBOARD_MASTER_TOKEN: MASTER_TOKEN,
      SWITCHBOARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-meta-crash-')),
      SWITCHBOARD_ALLOW_PRIVATE_URLS: 'true',
      SWITCHBOARD_META_GRAPH_URL: graph.url,
      SWITCHBOARD_META_GRAPH_TIMEOUT_MS: '2000',
      SWITCHBOARD_WEBHOOK_POLL_MS: '100',
      SWITCHBOARD_DISPATCH_POLL_MS: '100',
      LOG_LEVEL: 'warn',
      ...(await databaseEnv()),
    };
    const first = startGateway(env);
    await waitUntil(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200, 30_000);
    const created = await post(url, 'pm/create-channel', { token: MASTER_TOKEN, project_id: 1, application: 8, phone_number_id: PHONE_NUMBER_ID, waba_id: WABA_ID, access_token: 'EAAGcrashtesttoken0123456789', app_secret: APP_SECRET, verify_token: 'v' });
    expect(created.status).toBe(100);
    expect((await post(url, 'pm/set-webhook', { token: MASTER_TOKEN, project_id: 1, global_webhook: `${receiver.url}/global` })).status).toBe(100);

    // The first event's media download hangs, so no event gets past the inbox before the kill.
    graph.addMedia('999000111', Buffer.from('held image'), 'image/jpeg');
    const held = graph.hold('/999000111');
    const change = (index: number, message: Record<string, unknown>) => cloudWebhook(WABA_ID, PHONE_NUMBER_ID, 'messages', inboundChange(`9198765${String(index).padStart(5, '0')}`, 'Crash', { id: `wamid.CRASH${index}`, ...message }));
    expect((await sendMetaWebhook(url, change(0, { type: 'image', image: { id: '999000111', mime_type: 'image/jpeg' } }), APP_SECRET)).status).toBe(200);
    for (let index = 1; index < 20; index += 1) expect((await sendMetaWebhook(url, change(index, { type: 'text', text: { body: `message ${index}` } }), APP_SECRET)).status).toBe(200);
    await graph.waitForRequests('/999000111', 1);
    first.kill('SIGKILL');
    await new Promise((resolve) => first.once('exit', resolve));
    expect(receiver.calls).toHaveLength(0);
    held.release();

    // Meta retries what it may think was lost: stored once all the same.
    startGateway(env);
    await waitUntil(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200, 30_000);
    expect((await sendMetaWebhook(url, change(5, { type: 'text', text: { body: 'message 5' } }), APP_SECRET)).status).toBe(200);
    await waitUntil(() => new Set(receiver.calls.map((call) => call.fields.number)).size === 20, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const numbers = receiver.calls.map((call) => call.fields.number as string);
    expect(numbers).toHaveLength(20);
    expect(new Set(numbers).size).toBe(20);
    const image = receiver.calls.find((call) => call.fields.type === 2)!;
    expect(await (await fetch(image.fields['media-url'])).text()).toBe('held image');
  });
});
