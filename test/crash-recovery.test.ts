// A gateway killed with SIGKILL while messages are queued and in flight loses none of them and hands
// none twice: after a restart every accepted message reaches the phone exactly once. One stopped with
// SIGTERM stops within seconds whatever its webhook receivers do, and loses nothing either.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulateDriver } from '../src/agent/index.js';
import { createTestAgent, waitUntil, type TestAgent } from './support/agents.js';
import { buildCli, type BuiltCli } from './support/built-cli.js';
import { createTestSchema, POSTGRES_URL } from './support/test-storage.js';
import { answer, startWebhookReceiver } from './support/webhook-receiver.js';
import { freePort } from './support/free-port.js';

const MASTER_TOKEN = 'crash-test-master-token-0123456789';
let cli: BuiltCli;
const schemas: { drop(): Promise<void> }[] = [];
const children: ChildProcess[] = [];
const agents: TestAgent[] = [];

beforeAll(async () => {
  cli = await buildCli();
}, 120_000);
afterAll(async () => {
  for (const agent of agents) await agent.agent.stop();
  for (const child of children) child.kill('SIGKILL');
  cli.remove();
  for (const schema of schemas) await schema.drop();
});

/** A gateway's environment on its own port, data directory and (with PostgreSQL) schema. */
async function gatewayEnv(extra: Record<string, string> = {}): Promise<{ url: string; env: Record<string, string> }> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let databaseUrl: Record<string, string> = {};
  if (POSTGRES_URL) {
    const schema = await createTestSchema(POSTGRES_URL);
    schemas.push(schema);
    databaseUrl = { DATABASE_URL: schema.databaseUrl };
  }
  const env = {
    PORT: String(port),
    HOST: '127.0.0.1',
    SWITCHBOARD_PUBLIC_URL: url,
    SWITCHBOARD_MASTER_TOKEN: MASTER_TOKEN,
    SWITCHBOARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-crash-')),
    LOG_LEVEL: 'warn',
    ...databaseUrl,
    ...extra,
  };
  return { url, env };
}

/** Starts the first gateway of a database and reads the demo project's secrets from its first-start block. */
async function firstStart(url: string, env: Record<string, string>) {
  const first = startGateway(env);
  await ready(url);
  await waitUntil(() => first.stdout.join('').includes('Demo license key'));
  const block = first.stdout.join('');
  return { child: first.child, apiToken: /Demo project API token:\s+(\w+)/.exec(block)![1]!, licenseKey: /Demo license key:\s+(\w+)/.exec(block)![1]! };
}

async function kill(child: ChildProcess): Promise<void> {
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
}


function startGateway(env: Record<string, string>): { child: ChildProcess; stdout: string[] } {
  const child = spawn(process.execPath, [cli.bin, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const stdout: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk.toString('utf8')));
  child.stderr!.resume();
  return { child, stdout };
}

async function ready(url: string): Promise<void> {
  await waitUntil(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200, 30_000);
}

describe('crash recovery', () => {
  it('delivers every accepted message exactly once across a SIGKILL of the gateway', { timeout: 120_000 }, async () => {
    const { url, env } = await gatewayEnv();
    const first = await firstStart(url, env);
    const { apiToken } = first;
    const agent = createTestAgent({ serverUrl: url, licenseKey: first.licenseKey, deviceId: 'crash-phone', delayMs: 5 });
    agents.push(agent);
    await agent.agent.start();
    const pushIds: string[] = [];
    for (let batch = 0; batch < 3; batch += 1) {
      const data = Array.from({ length: 100 }, (_, i) => ({ number: String(15550000000 + batch * 100 + i) }));
      const response = await fetch(`${url}/api/v2/push`, { method: 'POST', body: JSON.stringify({ token: apiToken, application: 1, globalmessage: `batch ${batch}`, data }) });
      const answer = (await response.json()) as { status: number; push_id: string };
      expect(answer.status).toBe(100);
      pushIds.push(answer.push_id);
    }
    await agent.waitFor(() => agent.messages().length >= 40);
    await kill(first.child);
    const sentBeforeCrash = agent.messages().length;
    expect(sentBeforeCrash).toBeLessThan(300);

    startGateway(env);
    await ready(url);
    // Waits for every message to be delivered; on a timeout the failure says which states were left.
    let states: Record<string, number> = {};
    const allDelivered = async () => {
      states = {};
      for (const pushId of pushIds) {
        const response = await fetch(`${url}/api/v2/delivery-report`, { method: 'POST', body: JSON.stringify({ token: apiToken, push_id: pushId }) });
        const report = (await response.json()) as { data: { state: string }[] };
        for (const row of report.data) states[row.state] = (states[row.state] ?? 0) + 1;
      }
      return states.delivered === 300;
    };
    await waitUntil(allDelivered, 60_000).catch(() => undefined);
    expect({ states, atDevice: agent.messages().length }).toEqual({ states: { delivered: 300 }, atDevice: 300 });
    const received = agent.messages().map((message) => message.msg_id as string);
    expect(received).toHaveLength(300);
    expect(new Set(received).size).toBe(300);
  });

  it('delivers webhook calls pending at a SIGKILL after the restart, each event at least once and none lost', { timeout: 120_000 }, async () => {
    const receiver = await startWebhookReceiver();
    try {
      // A short time limit keeps the lease short: on PostgreSQL calls held at the kill wait for it to end.
      const { url, env } = await gatewayEnv({ SWITCHBOARD_ALLOW_PRIVATE_URLS: 'true', SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE: Array(20).fill('200ms').join(','), SWITCHBOARD_WEBHOOK_POLL_MS: '100', SWITCHBOARD_WEBHOOK_TIMEOUT_MS: '2000' });
      const first = await firstStart(url, env);
      const set = await fetch(`${url}/api/v2/pm/set-webhook`, { method: 'POST', body: JSON.stringify({ token: MASTER_TOKEN, project_id: 1, global_webhook: `${receiver.url}/hook` }) });
      expect(((await set.json()) as { status: number }).status).toBe(100);
      // The receiver is down (503) until the gateway has been killed.
      let isUp = false;
      const deliveredNumbers = new Set<string>();
      receiver.respond((call, index, response) => {
        if (isUp) deliveredNumbers.add(call.fields.number as string);
        answer(isUp ? 200 : 503)(call, index, response);
      });
      const agent = createTestAgent({ serverUrl: url, licenseKey: first.licenseKey, deviceId: 'hook-crash-phone', delayMs: 0 });
      agents.push(agent);
      await agent.agent.start();
      for (let i = 0; i < 20; i += 1) agent.agent.injectInbound({ number: `1555300${String(i).padStart(4, '0')}`, text: `inbound ${i}`, type: 1, application: 1 });
      await agent.waitFor(() => agent.agent.state.unackedInbound === 0);
      await receiver.waitForCalls(20);
      await kill(first.child);
      isUp = true;
      startGateway(env);
      await ready(url);
      await waitUntil(async () => {
        const log = await fetch(`${url}/api/v2/pm/webhook-log`, { method: 'POST', body: JSON.stringify({ token: MASTER_TOKEN, project_id: 1, limit: 100 }) });
        const rows = ((await log.json()) as { data: { state: string }[] }).data;
        return rows.length === 20 && rows.every((row) => row.state === 'delivered');
      }, 60_000);
      expect(deliveredNumbers.size).toBe(20);
    } finally {
      await receiver.close();
    }
  });

  it('stops within seconds on SIGTERM while a webhook receiver hangs, and delivers that call after the restart', { timeout: 120_000 }, async () => {
    // The receiver accepts the call and never answers until the test lets it.
    let isHanging = true;
    const delivered: { number: string; attempt: string }[] = [];
    const receiver = createHttpServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        if (isHanging) return;
        delivered.push({ number: (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { number: string }).number, attempt: String(request.headers['x-switchboard-attempt']) });
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const { url, env } = await gatewayEnv({ SWITCHBOARD_ALLOW_PRIVATE_URLS: 'true' });
      const first = await firstStart(url, env);
      const hook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const set = await fetch(`${url}/api/v2/pm/set-webhook`, { method: 'POST', body: JSON.stringify({ token: MASTER_TOKEN, project_id: 1, global_webhook: hook }) });
      expect(((await set.json()) as { status: number }).status).toBe(100);
      const agent = createTestAgent({ serverUrl: url, licenseKey: first.licenseKey, deviceId: 'sigterm-phone', delayMs: 0 });
      agents.push(agent);
      await agent.agent.start();
      let calls = 0;
      receiver.on('request', () => (calls += 1));
      agent.agent.injectInbound({ number: '15553100001', text: 'held by a hanging receiver', type: 1, application: 1 });
      await waitUntil(() => calls === 1);

      // The call's time limit is 30 s; the gateway cuts it and stops at once.
      const exited = new Promise<number | null>((resolve) => first.child.once('exit', (code) => resolve(code)));
      const signalledAt = Date.now();
      first.child.kill('SIGTERM');
      const code = await exited;
      const stoppedInMs = Date.now() - signalledAt;
      expect({ code, isQuick: stoppedInMs < 10_000 }).toEqual({ code: 0, isQuick: true });

      // Released at the stop: due at once after the restart (not after its lease), its cut attempt not counted.
      isHanging = false;
      startGateway(env);
      await ready(url);
      await waitUntil(() => delivered.length === 1, 20_000);
      expect(delivered).toEqual([{ number: '15553100001', attempt: '1' }]);
    } finally {
      receiver.closeAllConnections();
      await new Promise((resolve) => receiver.close(resolve));
    }
  });

  it('places every accepted conference once across a SIGKILL in the middle of one', { timeout: 120_000 }, async () => {
    const { url, env } = await gatewayEnv();
    const first = await firstStart(url, env);
    const post = async (endpoint: string, body: unknown) => (await (await fetch(`${url}/api/v2/${endpoint}`, { method: 'POST', body: JSON.stringify(body) })).json()) as any;
    // Each member talks 20 simulated seconds of 50 ms: the first conference is still on when the gateway dies.
    const agent = createTestAgent({ serverUrl: url, licenseKey: first.licenseKey, deviceId: 'crash-caller', delayMs: 0, applications: [4], driver: simulateDriver({ secondMs: 50, callOutcome: () => ({ outcome: 'answer', answerAfterS: 1, talkS: 20 }) }) });
    agents.push(agent);
    await agent.agent.start();
    const pushIds: string[] = [];
    for (let index = 0; index < 3; index += 1) {
      const answer = await post('conference-request', { token: first.apiToken, application: 4, data: [{ number: `1555700${index}001` }, { number: `1555700${index}002` }] });
      expect(answer.status).toBe(100);
      pushIds.push(answer.push_id);
    }
    await agent.waitFor(() => agent.events.some((event) => event.event === 'call'));
    await kill(first.child);

    startGateway(env);
    await ready(url);
    const rows = async () => (await Promise.all(pushIds.map((pushId) => post('conference-report', { token: first.apiToken, push_id: pushId })))).flat() as { status: string; duration: string }[];
    await waitUntil(async () => (await rows()).every((row) => row.status === '4'), 60_000);
    expect((await rows()).map((row) => row.duration)).toEqual(Array(6).fill('20'));
    const placed = agent.events.filter((event) => event.event === 'call').map((event) => (event as { push_id: string }).push_id);
    expect(placed).toEqual(pushIds);
  });
});
