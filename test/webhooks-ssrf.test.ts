// SSRF protection for webhook and media URLs: refused at configuration time and again at send time
// (DNS can change), and redirects followed only where the policy allows.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UrlPolicy } from '../src/core/index.js';
import { createWebhookPoster, isReservedAddress } from '../src/dispatch/index.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

const addresses = new Map<string, string[]>([
  ['intranet.example', ['10.1.2.3']],
  ['hooks.example', ['93.184.215.10']],
  ['cdn.example', ['93.184.215.20']],
]);
let t: TestGateway;

beforeAll(async () => {
  t = await startTestGateway({
    env: { SWITCHBOARD_ALLOW_PRIVATE_URLS: 'false' },
    resolveHost: async (host) => {
      const found = addresses.get(host);
      if (!found) throw new Error('ENOTFOUND');
      return found;
    },
  });
});
afterAll(() => t.close());

const setWebhook = (url: string) => t.post('pm/set-webhook', { token: t.masterToken, project_id: t.projectId, global_webhook: url });

describe('at configuration time', () => {
  it.each([
    ['http://127.0.0.1:8080/hook', 'private or reserved address (127.0.0.1)'],
    ['http://localhost/hook', 'loopback'],
    ['http://[::1]/hook', 'private or reserved'],
    ['http://169.254.169.254/latest/meta-data', 'private or reserved'],
    ['http://intranet.example/hook', 'private or reserved address (10.1.2.3)'],
    ['http://nowhere.example/hook', 'does not resolve'],
    ['ftp://hooks.example/hook', 'http or https'],
  ])('refuses %s', async (url, reason) => {
    const answer = await setWebhook(url);
    expect(answer.status).toBe(410);
    expect(answer.detail).toContain(reason);
  });

  it('accepts a public host, and refuses private media URLs in a push', async () => {
    expect(await setWebhook('https://hooks.example/hook')).toMatchObject({ status: 100, global_webhook: 'https://hooks.example/hook' });
    const push = (media: string) => t.post('push', { token: t.apiToken, application: 1, globalmessage: 'x', globalmedia: media, data: [{ number: '15550001111' }] });
    expect(await push('http://10.0.0.7/a.png')).toMatchObject({ status: 410, detail: expect.stringContaining('media URL') });
    expect((await push('https://cdn.example/a.png')).status).not.toBe(410);
  });
});

describe('at send time', () => {
  it('refuses a host that has come to resolve to a private address since it was configured', async () => {
    expect((await setWebhook('https://hooks.example/rebind')).status).toBe(100);
    addresses.set('hooks.example', ['192.168.1.5']);
    await t.gateway.services.inbound.receive({ projectId: t.projectId, deviceId: 0, channelId: null, application: 1, externalId: 'rebind-1', sender: '15550002222', senderName: '', type: 1, text: 'hi', mediaUrl: '', quotedMsgId: '', details: {}, receivedAt: Date.now() });
    await t.gateway.webhookDispatcher.runDue();
    const log = await t.post('pm/webhook-log', { token: t.masterToken, project_id: t.projectId });
    expect(log.data[0]).toMatchObject({ state: 'pending', attempts: 1, response_code: null, last_error: "URL refused: host 'hooks.example' resolves to a private or reserved address (192.168.1.5); SWITCHBOARD_ALLOW_PRIVATE_URLS=true allows it" });
  });
});

describe('redirects', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    receiver.respond((call, _index, response) => {
      if (call.path === '/to-private') response.writeHead(307, { location: 'http://10.0.0.1/steal' }).end();
      else if (call.path === '/moved') response.writeHead(308, { location: '/final' }).end();
      else response.writeHead(200).end('done');
    });
  });
  afterAll(() => receiver.close());

  // The receiver itself is on loopback, so the poster allows private addresses here; the redirect check
  // is the strict policy's.
  const poster = createWebhookPoster({ connections: 4, allowPrivate: true });
  const strict = new UrlPolicy({ allowPrivate: false, resolve: async () => ['93.184.215.10'], isReserved: isReservedAddress });
  const post = (path: string) => poster.post({ url: `${receiver.url}${path}`, body: '{}', headers: { 'content-type': 'application/json' }, timeoutMs: 2000, checkRedirect: (url) => strict.problem(url.replace(receiver.url, 'http://hooks.example')) });
  afterAll(() => poster.close());

  it('follows a 307/308 the policy allows, keeping the method and body', async () => {
    expect(await post('/moved')).toMatchObject({ status: 200, body: 'done' });
    expect(receiver.calls.slice(-2).map((call) => call.path)).toEqual(['/moved', '/final']);
  });

  it('does not follow a redirect to a private address', async () => {
    await expect(post('/to-private')).rejects.toThrow('redirect to http://10.0.0.1/steal not followed: host');
  });

  it('refuses at connect time a name that resolves to a private address when private URLs are not allowed', async () => {
    const guarded = createWebhookPoster({ connections: 1, allowPrivate: false });
    const port = new URL(receiver.url).port;
    await expect(guarded.post({ url: `http://localhost:${port}/x`, body: '{}', headers: {}, timeoutMs: 2000, checkRedirect: async () => undefined })).rejects.toThrow(/private or reserved address/);
    await guarded.close();
  });
});
