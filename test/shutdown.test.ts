// A gateway that stops: requests read during the stop get Picky answers (never Fastify's 503), devices
// connected to it are marked offline before storage closes (another gateway on the same database says
// so), and a clean stop logs no error.
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, ensureAccount, type Gateway } from '../src/app/index.js';
import { createLogger } from '../src/app/logger.js';
import { loadConfig } from '../src/config/index.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dropPostgresSchema, openStorage } from '../src/storage/index.js';
import { FakeWhatsApp } from './support/fake-whatsapp.js';
import { connectRawDevice, hello } from './support/raw-device.js';
import { POSTGRES_URL, TEST_SECRET_KEY, openTestStorage, type TestStorage } from './support/test-storage.js';
import { waitUntil } from './support/agents.js';

const MASTER_TOKEN = 'shutdown-master-token-0123456789';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

interface Started {
  gateway: Gateway;
  url: string;
  apiToken: string;
  licenseKey: string;
  /** Every JSON log line the gateway wrote. */
  lines: Record<string, any>[];
}

async function start(storage: TestStorage['storage'], options: { listen?: boolean } = {}): Promise<Started> {
  const lines: Record<string, any>[] = [];
  // The test storage's key: without one the gateway would write a key file into ./data of the checkout.
  const config = loadConfig({ env: { SWITCHBOARD_MASTER_TOKEN: MASTER_TOKEN, SWITCHBOARD_SECRET_KEY: TEST_SECRET_KEY, SWITCHBOARD_ALLOW_PRIVATE_URLS: 'true', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' } });
  const logger = createLogger('info', { write: (line) => void lines.push(JSON.parse(line) as Record<string, any>) });
  const gateway = await createGateway({ config, storage, logger, whatsappClients: new FakeWhatsApp() });
  const report = await ensureAccount(gateway);
  const project = report.demo ? await storage.stores.projects.findById(report.demo.projectId) : undefined;
  let url = '';
  if (options.listen !== false) url = await gateway.listen();
  return { gateway, url, apiToken: report.demo?.apiToken ?? '', licenseKey: project?.licenseKey ?? '', lines };
}

/**
 * A database a gateway closes itself (its close closes storage), readable again afterwards: a SQLite
 * file, or a PostgreSQL schema dropped at clean-up.
 */
async function openDatabase(): Promise<TestStorage> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-shutdown-'));
  const test = await openTestStorage({ sqliteFile: join(dir, 'switchboard.db') });
  const schema = new URL(test.databaseUrl).searchParams.get('options')?.split('=')[1];
  cleanups.push(async () => {
    if (POSTGRES_URL && schema) await dropPostgresSchema(POSTGRES_URL, schema);
    rmSync(dir, { recursive: true, force: true });
  });
  return test;
}

/** Reads everything a raw connection receives until the gateway closes it. */
function collect(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    socket.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(text));
  });
}

describe('stopping the gateway', () => {
  it('answers a request read during the stop in the Picky shape, never with HTTP 503', { timeout: 30_000 }, async () => {
    const test = await openDatabase();
    const g = await start(test.storage);
    cleanups.push(() => g.gateway.close());
    const { port } = new URL(g.url);
    let seen = 0;
    g.gateway.http.server.on('request', () => (seen += 1));
    // A client is sending a request's body when the stop begins (its connection is busy, not idle),
    // and sends the next request on the same connection right behind it.
    const socket = connect(Number(port), '127.0.0.1');
    const received = collect(socket);
    const body = JSON.stringify({ token: g.apiToken });
    const request = `POST /api/v2/check-balance HTTP/1.1\r\nHost: gateway.test\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    socket.write(request + body.slice(0, 5));
    await waitUntil(() => seen === 1);
    const closing = g.gateway.close();
    socket.write(body.slice(5) + request + body);
    const text = await received;
    await closing;
    const answers = text.split(/(?=HTTP\/1\.1 )/).filter((part) => part !== '');
    // The request in progress is answered; the next one is answered too or its connection is closed
    // unanswered. Never Fastify's 503 body.
    expect(answers.length).toBeGreaterThanOrEqual(1);
    for (const answer of answers) {
      expect(answer).toMatch(/^HTTP\/1\.1 200/);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ status: 100 });
    }
    // New connections are refused once the listener is closed, not answered.
    await expect(fetch(`${g.url}/api/v2/check-balance`, { method: 'POST', body })).rejects.toThrow();
  });

  it('marks its devices offline before storage closes, and logs no error', { timeout: 30_000 }, async () => {
    const test = await openDatabase();
    const g = await start(test.storage);
    let isClosed = false;
    cleanups.push(() => (isClosed ? Promise.resolve() : g.gateway.close()));
    const device = await connectRawDevice(g.url);
    cleanups.push(() => device.close());
    device.send(hello(g.licenseKey, 'stopping-phone'));
    await device.next('welcome');
    // A frame that arrives as the stop begins is handled before storage closes.
    device.send({ type: 'status', battery: 50 });
    await g.gateway.close();
    isClosed = true;
    expect((await device.closed).code).toBeGreaterThan(0);
    expect(g.lines.filter((line) => line.level >= 50)).toEqual([]);
    expect(g.lines.some((line) => line.level === 30 && /shutdown/.test(String(line.msg)))).toBe(true);

    // Read again through a second gateway on the same database (on PostgreSQL, another node).
    const reopened = await openStorage({ databaseUrl: test.databaseUrl, dataDir: '', poolSize: 2 });
    const other = await start(reopened, { listen: false });
    cleanups.push(() => other.gateway.close());
    const apiToken = g.apiToken;
    const answer = await other.gateway.http.inject({ method: 'POST', url: '/api/v2/device-status', payload: { token: apiToken } });
    expect(answer.json()).toMatchObject({ status: 100, connection: 'offline' });
  });
});
