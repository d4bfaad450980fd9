// The typed client against a real gateway (through app.inject, no socket): the token each endpoint takes,
// refusals as PickyStatusError with their status, Idempotency-Key, array answers, and the webhook
// verifier against the gateway's own signing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PickyStatusError, SwitchboardClient, SwitchboardTransportError, parseWebhook, verifyWebhookSignature, WebhookSignatureError, type FetchLike, type InboundWebhook } from '../src/client/index.js';
import { signWebhook } from '../src/core/index.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

let t: TestGateway;
let client: SwitchboardClient;
const sent: { url: string; headers: Record<string, string>; body: string }[] = [];

/** fetch, answered by the gateway in process. */
const injectFetch: FetchLike = async (url, init) => {
  sent.push({ url, headers: init.headers, body: init.body });
  const response = await t.inject({ method: 'POST', url: new URL(url).pathname, headers: init.headers, payload: init.body });
  return { status: response.statusCode, text: async () => response.body };
};

beforeAll(async () => {
  t = await startTestGateway();
  client = new SwitchboardClient({ baseUrl: 'http://gateway.test:8080/', token: t.apiToken, masterToken: t.masterToken, fetch: injectFetch });
});
afterAll(() => t.close());

describe('SwitchboardClient', () => {
  it('sends the project token to project endpoints and the master token to pm/*', async () => {
    const balance = await client.checkBalance({});
    expect(balance.status).toBe(100);
    expect(typeof balance.balance).toBe('number');
    expect(JSON.parse(sent.at(-1)!.body).token).toBe(t.apiToken);
    expect(sent.at(-1)!.url).toBe('http://gateway.test:8080/api/v2/check-balance');
    const projects = await client.pmGetProjects({ project_id: t.projectId });
    expect(projects.status).toBe(100);
    expect(JSON.parse(sent.at(-1)!.body).token).toBe(t.masterToken);
  });

  it('throws PickyStatusError with the status, the contract message and the detail', async () => {
    const error = await client.push({ application: 1, globalmessage: 'hi', data: [] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(PickyStatusError);
    expect((error as PickyStatusError).status).toBe(402);
    expect((error as PickyStatusError).message).toMatch(/^402 Empty Number List/);
    const unknown = await client.deliveryReport({ push_id: 999_999 }).catch((caught: unknown) => caught);
    expect((unknown as PickyStatusError).status).toBe(503);
    expect((unknown as PickyStatusError).detail).toContain('999999');
    const wrongToken = await client.checkBalance({ token: 'not-a-token-0123456789' }).catch((caught: unknown) => caught);
    expect((wrongToken as PickyStatusError).status).toBe(401);
  });

  it('sends Idempotency-Key: a retried push gets the first answer and queues nothing twice', async () => {
    const body = { application: 1, globalmessage: 'once', data: [{ number: '15550001111' }] };
    const first = await client.push(body, { idempotencyKey: 'client-order-1' });
    expect(sent.at(-1)!.headers['idempotency-key']).toBe('client-order-1');
    const again = await client.push(body, { idempotencyKey: 'client-order-1' });
    expect(again.push_id).toBe(first.push_id);
    expect(await t.gateway.storage.stores.messages.listByPush(Number(first.push_id))).toHaveLength(1);
    const other = await client.push(body, { idempotencyKey: 'client-order-2' });
    expect(other.push_id).not.toBe(first.push_id);
  });

  it('answers array answers (conference-report) and refuses what is not a Picky answer', async () => {
    const refused = await client.conferenceReport({ push_id: 999_999 }).catch((caught: unknown) => caught);
    expect((refused as PickyStatusError).status).toBe(503);
    const broken = new SwitchboardClient({ baseUrl: 'http://x', token: 't', fetch: async () => ({ status: 502, text: async () => '<html>Bad Gateway</html>' }) });
    await expect(broken.checkBalance({})).rejects.toBeInstanceOf(SwitchboardTransportError);
    const down = new SwitchboardClient({ baseUrl: 'http://x', token: 't', fetch: async () => Promise.reject(new Error('ECONNREFUSED')) });
    await expect(down.checkBalance({})).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('verifyWebhookSignature', () => {
  const secret = 'whsec_test_secret';
  const body = JSON.stringify({ number: '15550001111', 'message-in': 'hi', message_in_raw: 'hi', type: 1, application: 1, 'media-url': '', 'unique-id': 1, 'project-id': '1', direction: 0 });
  const now = 1_768_471_200_000;
  const timestamp = Math.floor(now / 1000);
  const headers = { 'x-switchboard-timestamp': String(timestamp), 'x-switchboard-signature': signWebhook(secret, timestamp, body) };

  it('accepts what the gateway signs, and nothing changed', () => {
    expect(verifyWebhookSignature(secret, headers, body, { now })).toBe(true);
    expect(verifyWebhookSignature(secret, new Headers(headers), Buffer.from(body), { now })).toBe(true);
    expect(parseWebhook<InboundWebhook>(secret, headers, body, { now })['message-in']).toBe('hi');
    expect(verifyWebhookSignature('whsec_other', headers, body, { now })).toBe(false);
    expect(verifyWebhookSignature(secret, headers, `${body} `, { now })).toBe(false);
    expect(verifyWebhookSignature(secret, { ...headers, 'x-switchboard-timestamp': String(timestamp + 1) }, body, { now })).toBe(false);
    expect(verifyWebhookSignature(secret, {}, body, { now })).toBe(false);
    expect(() => parseWebhook(secret, {}, body, { now })).toThrow(WebhookSignatureError);
  });

  it('refuses a call signed too long ago (replays)', () => {
    expect(verifyWebhookSignature(secret, headers, body, { now: now + 301_000 })).toBe(false);
    expect(verifyWebhookSignature(secret, headers, body, { now: now + 301_000, toleranceSeconds: 600 })).toBe(true);
  });
});
