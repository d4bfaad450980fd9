// Two gateway nodes on one PostgreSQL: a push accepted by one node reaches a phone connected to the
// other, exactly once; webhook retries claimed by both nodes reach the receiver once each; a WhatsApp Web
// command answered by one node is carried out by the node running the session, and a session left
// without a node is taken over by another. (SQLite serves
// one node by design, so this suite runs only on PostgreSQL.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureAccount, type Gateway } from '../src/app/index.js';
import { createTestAgent, waitUntil, type TestAgent } from './support/agents.js';
import { startPostgresNodes, type PostgresNodes } from './support/postgres-nodes.js';
import { POSTGRES_URL } from './support/test-storage.js';
import { answer, startWebhookReceiver } from './support/webhook-receiver.js';
import type { FakeWhatsApp } from './support/fake-whatsapp.js';

describe.runIf(POSTGRES_URL)('two gateway nodes on one PostgreSQL', () => {
  let cluster: PostgresNodes;
  let nodes: Gateway[] = [];
  let agent: TestAgent;
  let whatsapps: FakeWhatsApp[] = [];

  beforeAll(async () => {
    cluster = await startPostgresNodes({
      SWITCHBOARD_MASTER_TOKEN: 'multi-node-master-token-0123',
      SWITCHBOARD_DISPATCH_POLL_MS: '100',
      SWITCHBOARD_ALLOW_PRIVATE_URLS: 'true',
      SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE: '100ms,100ms,100ms',
      SWITCHBOARD_WEBHOOK_POLL_MS: '20',
      SWITCHBOARD_WHATSAPP_WEB_LEASE_MS: '3000',
      SWITCHBOARD_WHATSAPP_WEB_RECONNECT_MIN_MS: '1',
      SWITCHBOARD_WHATSAPP_WEB_RECONNECT_MAX_MS: '5',
    });
    ({ nodes, whatsapps } = cluster);
  });
  afterAll(async () => {
    await agent?.agent.stop();
    await cluster?.close();
  });

  const urlOf = (node: Gateway) => cluster.urlOf(node);

  it('delivers a push taken by node A to a phone held by node B', async () => {
    const report = await ensureAccount(nodes[0]!);
    await ensureAccount(nodes[1]!);
    const project = (await nodes[0]!.storage.stores.projects.findById(report.demo!.projectId))!;
    agent = createTestAgent({ serverUrl: urlOf(nodes[1]!), licenseKey: project.licenseKey, deviceId: 'phone-on-b', delayMs: 0 });
    await agent.agent.start();

    const response = await fetch(`${urlOf(nodes[0]!)}/api/v2/push`, {
      method: 'POST',
      body: JSON.stringify({ token: report.demo!.apiToken, application: 1, globalmessage: 'across nodes', data: [{ number: '15550001111' }, { number: '15550002222' }] }),
    });
    const answer = (await response.json()) as { status: number; push_id: string };
    expect(answer.status).toBe(100);
    await agent.waitFor(() => agent.messages().length === 2);
    await waitUntil(async () => (await nodes[0]!.storage.stores.messages.listByPush(Number(answer.push_id))).every((m) => m.state === 'delivered'));
    expect(new Set(agent.messages().map((m) => m.msg_id)).size).toBe(2);
  });

  it('retries webhook calls from both nodes without sending any twice', async () => {
    const receiver = await startWebhookReceiver();
    try {
      // Every event fails once, so that its retry is claimed by whichever node polls first.
      const seen = new Map<string, number>();
      receiver.respond((call, index, response) => {
        const id = call.headers['x-switchboard-event-id'] as string;
        seen.set(id, (seen.get(id) ?? 0) + 1);
        answer(seen.get(id) === 1 ? 503 : 200)(call, index, response);
      });
      await nodes[0]!.services.projects.setWebhooks((await nodes[0]!.services.accounts.get())!.id, 1, { globalWebhook: `${receiver.url}/hook` });
      for (let i = 0; i < 50; i += 1) agent.agent.injectInbound({ number: `1555400${String(i).padStart(4, '0')}`, text: `across ${i}`, type: 1, application: 1 });
      await waitUntil(async () => {
        const log = await nodes[1]!.services.webhooks.log(1, 100);
        return log.length === 50 && log.every((delivery) => delivery.state === 'delivered');
      }, 20_000);
      expect(seen.size).toBe(50);
      expect([...seen.values()].every((calls) => calls === 2)).toBe(true);
    } finally {
      await receiver.close();
    }
  });

  it('carries out a WhatsApp Web command answered by the node that does not run the session', async () => {
    await ensureAccount(nodes[0]!);
    const created = await fetch(`${urlOf(nodes[0]!)}/api/v2/pm/create-project`, { method: 'POST', body: JSON.stringify({ token: 'multi-node-master-token-0123', project_name: 'Web', generate_api_token: true }) });
    const token = ((await created.json()) as { api_tokens: { token: string }[] }).api_tokens[0]!.token;
    const post = async (node: Gateway, endpoint: string, body: Record<string, unknown>) =>
      (await (await fetch(`${urlOf(node)}/api/v2/${endpoint}`, { method: 'POST', body: JSON.stringify({ token, application: 10, ...body }) })).json()) as Record<string, any>;
    const [onA, onB] = whatsapps as [FakeWhatsApp, FakeWhatsApp];
    expect((await post(nodes[0]!, 'whatsapp-qr', {})).qr_code).toBeTruthy();
    await onA.current.scan('15557654321');
    await waitUntil(async () => (await post(nodes[1]!, 'device-status', {})).status === 'CONNECTED');
    const paired = onA.current;

    expect(await post(nodes[1]!, 'device-action', { command: 'disconnect' })).toMatchObject({ status: 100, command: 'disconnect' });
    await waitUntil(() => paired.hasLoggedOut, 5_000);
    await waitUntil(async () => (await post(nodes[1]!, 'device-status', {})).status === 'UNPAIRED', 5_000);
    const sockets = onA.sockets.length;
    expect(await post(nodes[1]!, 'device-action', { command: 'restart' })).toMatchObject({ status: 100 });
    await waitUntil(() => onA.sockets.length > sockets, 5_000);
    expect(onB.sockets).toHaveLength(0);

    // Paired again on A; then A's sessions stop (as when its node dies): B takes the session over from
    // the database by itself, without a call or a push, and without a new QR scan.
    await waitUntil(async () => (await post(nodes[1]!, 'whatsapp-qr', {})).qr_code !== '', 5_000);
    await onA.current.scan('15557654321');
    await waitUntil(async () => (await post(nodes[1]!, 'device-status', {})).status === 'CONNECTED', 5_000);
    await nodes[0]!.whatsappWeb.close();
    await waitUntil(() => onB.sockets.length > 0, 10_000);
    await waitUntil(async () => (await post(nodes[1]!, 'device-status', {})).status === 'CONNECTED', 5_000);
    expect(onB.current.qrShown).toEqual([]);
  }, 40_000);
});
