// GET /metrics: the counters move after a push, a delivery by a simulated phone and a webhook call (the
// test drives the gateway through the typed client over real HTTP), and the endpoint is closed to
// remote clients without a token and to anyone without the right token once one is set.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SwitchboardClient, verifyWebhookSignature, type EventWebhook } from '../src/client/index.js';
import { createTestAgent, waitUntil } from './support/agents.js';
import { startListeningGateway, type ListeningGateway } from './support/listening-gateway.js';
import { startTestGateway } from './support/test-gateway.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

/** `name{labels} value` lines of the exposition, as a map from `name{labels}` to the value. */
function parseExposition(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

describe('GET /metrics after a push, a delivery and a webhook', () => {
  let g: ListeningGateway;
  let receiver: WebhookReceiver;
  let client: SwitchboardClient;
  const scrape = async () => {
    const response = await fetch(`${g.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    return parseExposition(await response.text());
  };

  beforeAll(async () => {
    g = await startListeningGateway({ SWITCHBOARD_WEBHOOK_BATCH_MS: '20' });
    receiver = await startWebhookReceiver();
    client = new SwitchboardClient({ baseUrl: g.url, token: g.t.apiToken, masterToken: g.t.masterToken });
  });
  afterAll(async () => {
    await g.close();
    await receiver.close();
  });

  it('shows the counters and gauges moved', async () => {
    const value = (values: Map<string, number>, key: string) => values.get(key) ?? 0;
    const project = (await client.pmSetWebhook({ project_id: g.t.projectId, event_webhook: `${receiver.url}/events` })) as Record<string, unknown>;
    const secret = String(project.webhook_secret);

    // A fresh gateway: the first scrape (which also reads the queue, cached for a few seconds) follows the push.
    const pushed = await client.push({ application: 1, globalmessage: 'watched', data: [{ number: '15550001111' }, { number: '15550002222' }] });
    // Refused with Picky status 402 in an HTTP 200: the label is the Picky status, read from the answer.
    const empty = await fetch(`${g.url}/api/v2/push`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: g.t.apiToken, application: 1, globalmessage: 'x', data: [] }) });
    expect(((await empty.json()) as { status: number }).status).toBe(402);
    const queued = await scrape();
    expect(queued.get(`switchboard_queue_depth{project="${g.t.projectId}",application="1",scope="cluster"}`)).toBe(2);
    expect(queued.get('switchboard_http_requests_total{endpoint="push",status="100"}')).toBe(1);
    expect(queued.get('switchboard_http_requests_total{endpoint="pm/set-webhook",status="100"}')).toBe(1);
    expect(queued.get('switchboard_http_requests_total{endpoint="push",status="402"}')).toBe(1);
    expect(queued.get('switchboard_http_request_duration_seconds_count{endpoint="push"}')).toBe(2);
    expect(queued.get('switchboard_messages_accepted_total{application="1"}')).toBe(2);
    expect(queued.get('switchboard_wallet_debits_total')).toBe(1);
    expect(queued.get('switchboard_wallet_debited_credits_total')).toBeCloseTo(0.01, 6);
    expect(queued.get('switchboard_devices_connected{scope="node"}')).toBe(0);

    const phone = createTestAgent({ serverUrl: g.url, licenseKey: g.licenseKey, deviceId: 'metrics-phone', delayMs: 0 });
    g.track(() => phone.agent.stop());
    await phone.agent.start();
    await phone.waitFor(() => phone.messages().length === 2);
    await waitUntil(async () => (await g.t.gateway.storage.stores.messages.listByPush(Number(pushed.push_id))).every((message) => message.state === 'delivered'));
    const calls = await receiver.waitForCalls(1);
    // The receiver side of the client: the call is the gateway's, and typed.
    expect(verifyWebhookSignature(secret, calls[0]!.headers, calls[0]!.body)).toBe(true);
    expect(verifyWebhookSignature('whsec_wrong', calls[0]!.headers, calls[0]!.body)).toBe(false);
    expect((JSON.parse(calls[0]!.body) as EventWebhook).event_id).toBe(1);
    await waitUntil(async () => value(await scrape(), 'switchboard_webhook_deliveries_total{kind="event",outcome="delivered"}') >= 1);

    const after = await scrape();
    const moved = (key: string) => value(after, key) - value(queued, key);
    expect(moved('switchboard_message_state_changes_total{application="1",state="submitted"}')).toBe(2);
    expect(moved('switchboard_message_state_changes_total{application="1",state="delivered"}')).toBe(2);
    expect(moved('switchboard_webhook_deliveries_total{kind="event",outcome="delivered"}')).toBeGreaterThanOrEqual(1);
    expect(moved('switchboard_webhook_delivery_duration_seconds_count{kind="event"}')).toBeGreaterThanOrEqual(1);
    expect(moved('switchboard_db_transaction_duration_seconds_count{outcome="commit"}')).toBeGreaterThan(0);
    expect(moved('switchboard_http_requests_total{endpoint="/metrics",status="200"}')).toBeGreaterThan(0);
    expect(after.get('switchboard_devices_connected{scope="node"}')).toBe(1);
    expect(after.has('switchboard_device_messages_in_flight{scope="node"}')).toBe(true);
    expect(after.get('switchboard_webhook_oldest_due_age_seconds{scope="cluster"}')).toBeGreaterThanOrEqual(0);
    expect(after.has('switchboard_whatsapp_web_sessions{status="connected",scope="node"}')).toBe(true);
    expect(after.has('switchboard_process_resident_memory_bytes') || after.has('switchboard_nodejs_heap_size_used_bytes')).toBe(true);
  });
});

describe('GET /metrics protection', () => {
  it('answers loopback clients only while no token is set, with a Picky-shaped refusal', async () => {
    const t = await startTestGateway();
    try {
      const remote = await t.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9' });
      expect(remote.statusCode).toBe(401);
      expect(remote.json()).toMatchObject({ status: 401, message: 'Authentication Failed' });
      expect(remote.body).not.toContain('switchboard_');
      for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
        const local = await t.inject({ method: 'GET', url: '/metrics', remoteAddress: address });
        expect(local.statusCode, address).toBe(200);
      }
    } finally {
      await t.close();
    }
  });

  it('asks everyone, loopback included, for the bearer token once one is set', async () => {
    const t = await startTestGateway({ env: { SWITCHBOARD_METRICS_TOKEN: 'scrape-secret-123' } });
    try {
      const local = await t.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' });
      expect(local.statusCode).toBe(401);
      expect(local.json().status).toBe(401);
      const wrong = await t.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9', headers: { authorization: 'Bearer scrape-secret-124' } });
      expect(wrong.statusCode).toBe(401);
      const right = await t.inject({ method: 'GET', url: '/metrics', remoteAddress: '203.0.113.9', headers: { authorization: 'Bearer scrape-secret-123' } });
      expect(right.statusCode).toBe(200);
      expect(right.body).toContain('switchboard_http_requests_total');
    } finally {
      await t.close();
    }
  });
});
