// SSRF protection for the media a WhatsApp Web push names: the URL policy checks every URL and redirect,
// and the connection itself refuses a name whose DNS answer has turned private since the check.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaFetcher } from '../src/channels/whatsapp-web/media-fetcher.js';
import { UrlPolicy, systemClock, type HostResolver } from '../src/core/index.js';
import { createMediaGetter } from '../src/dispatch/index.js';
import { waitUntil } from './support/agents.js';
import { isReservedAddress } from '../src/dispatch/index.js';
import { openTestStorage, type TestStorage } from './support/test-storage.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';
import { startWebSuite, type WebSuite } from './support/whatsapp-web.js';

let server: WebhookReceiver;
let port: string;
beforeAll(async () => {
  server = await startWebhookReceiver();
  server.respond((call, _index, response) => {
    if (call.path === '/to-private') response.writeHead(302, { location: 'http://10.0.0.1/steal.png' }).end();
    else if (call.path === '/moved') response.writeHead(301, { location: '/final.png' }).end();
    else response.writeHead(200, { 'content-type': 'image/png' }).end('PNG');
  });
  port = new URL(server.url).port;
});
afterAll(() => server.close());

describe('the media fetcher', () => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await openTestStorage();
    await storage.storage.migrate();
  });
  afterAll(() => storage.close());

  const fetcherWith = (policy: Pick<UrlPolicy, 'problem'>, getter: ReturnType<typeof createMediaGetter>) =>
    new MediaFetcher({ store: () => storage.storage.stores.whatsappWeb, urlPolicy: policy as UrlPolicy, http: getter, clock: systemClock, maxBytes: 1024, timeoutMs: 2000 });

  it('refuses at connect time a name that resolved to a public address when it was checked', async () => {
    const strict = new UrlPolicy({ allowPrivate: false, resolve: async () => ['93.184.215.30'], isReserved: isReservedAddress });
    // The same name now answers loopback, where the media server listens: unguarded, the GET would reach it.
    const getter = createMediaGetter({ allowPrivate: false, resolve: async () => ['127.0.0.1'] });
    const before = server.calls.length;
    await expect(fetcherWith(strict, getter).fetch(`http://rebind.example:${port}/a.png`)).rejects.toMatchObject({
      message: "media URL host 'rebind.example' resolves to a private or reserved address (127.0.0.1) at connect time",
      isRetryable: false,
    });
    expect(server.calls.length).toBe(before);
    await getter.close();
  });

  // The server is on loopback, so this getter allows private addresses; the redirect check is the strict
  // policy's, which sees the server under a public name.
  const strictForServer = new UrlPolicy({ allowPrivate: false, resolve: async () => ['93.184.215.30'], isReserved: isReservedAddress });
  const policy = { problem: (url: string) => strictForServer.problem(url.replace(server.url, 'http://cdn.example')) };

  it('follows a redirect the policy allows and refuses one to a private address', async () => {
    const getter = createMediaGetter({ allowPrivate: true });
    const fetcher = fetcherWith(policy, getter);
    expect(await fetcher.fetch(`${server.url}/moved`)).toMatchObject({ data: Buffer.from('PNG'), mime: 'image/png', fileName: 'final.png' });
    await expect(fetcher.fetch(`${server.url}/to-private`)).rejects.toMatchObject({
      message: "media URL host '10.0.0.1' resolves to a private or reserved address (10.0.0.1); SWITCHBOARD_ALLOW_PRIVATE_URLS=true allows it",
      isRetryable: false,
    });
    expect(server.calls.map((call) => call.path)).not.toContain('/steal.png');
    await getter.close();
  });
});

describe('a WhatsApp Web push with private URLs not allowed', () => {
  let s: WebSuite;
  const lookups: string[] = [];
  // Public for the push's check and the fetcher's, loopback (the media server) once, when the GET
  // connects, then public again: only a refusal at connect time fails the message (a connection made by
  // plain DNS would not resolve, and be retried, forever).
  const answers = ['93.184.215.30', '93.184.215.30', '127.0.0.1'];
  const resolveHost: HostResolver = async (host) => {
    if (host !== 'rebind.example') throw new Error('ENOTFOUND');
    const answer = answers.shift() ?? '93.184.215.30';
    lookups.push(answer);
    return [answer];
  };
  beforeAll(async () => {
    s = await startWebSuite({ env: { SWITCHBOARD_ALLOW_PRIVATE_URLS: 'false' }, resolveHost });
    await s.pair();
  });
  afterAll(() => s.close());

  it('fails the message permanently when the media host rebinds to 127.0.0.1 after the check', async () => {
    const before = server.calls.length;
    const answer = await s.post('push', { application: 10, globalmedia: `http://rebind.example:${port}/a.png`, data: [{ number: '15550001111' }] });
    expect(answer.status, JSON.stringify(answer)).toBe(100);
    const messages = () => s.g.t.gateway.storage.stores.messages.listByPush(Number(answer.push_id));
    await waitUntil(async () => (await messages())[0]!.state === 'refunded');
    expect((await messages())[0]!.lastError).toBe("media URL host 'rebind.example' resolves to a private or reserved address (127.0.0.1) at connect time");
    // Both checks saw the public address; the connection saw loopback and was refused before any request.
    expect(lookups).toEqual(['93.184.215.30', '93.184.215.30', '127.0.0.1']);
    expect(server.calls.length).toBe(before);
    expect(s.whatsapp.sent).toHaveLength(0);
  });
});
