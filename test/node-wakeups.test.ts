// Wake-ups between nodes: the notes' encoding and their coalescing (no database), then two PostgreSQL
// nodes whose polls are a minute apart, so that only a wake-up can bring work accepted by one node (a
// push, a conference) to the phone or WhatsApp Web session the other holds in time — also after the
// listening connection was cut.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { simulateDriver } from '../src/agent/index.js';
import { ensureAccount, type Gateway } from '../src/app/index.js';
import type { Project } from '../src/core/index.js';
import { decodeWakeup, encodeWakeups, NodeWakeups, type WakeKind, type WakeTarget } from '../src/app/node-wakeups.js';
import type { NodeChannel, NodeChannelHandlers } from '../src/storage/index.js';
import { createTestAgent, waitUntil, type TestAgent } from './support/agents.js';
import { startPostgresNodes, type PostgresNodes } from './support/postgres-nodes.js';
import { POSTGRES_URL } from './support/test-storage.js';
import type { FakeWhatsApp } from './support/fake-whatsapp.js';

describe('wake-up notes', () => {
  it('carry every id in payloads under NOTIFY’s 8 000-byte limit, and read back', () => {
    const phone = new Set(Array.from({ length: 3000 }, (_, index) => 1_000_000_000 + index));
    const payloads = encodeWakeups('node-a', new Map<WakeKind, Set<number>>([['phone', phone], ['web', new Set([7])]]));
    expect(payloads.length).toBeGreaterThan(1);
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThan(8000);
    const read = payloads.map((payload) => decodeWakeup(payload)!);
    expect(read.every((wakeup) => wakeup.node === 'node-a')).toBe(true);
    const wakes = read.flatMap((wakeup) => wakeup.wakes);
    expect(wakes.filter(([kind]) => kind === 'phone').map(([, id]) => id)).toEqual([...phone]);
    expect(wakes.filter(([kind]) => kind === 'web')).toEqual([['web', 7]]);
  });

  it('ignore what is not a note of ours', () => {
    for (const payload of ['hello', '[]', 'null', '{"node":1}', '{"node":"a","phone":"12"}']) expect(decodeWakeup(payload)).toBeUndefined();
    expect(decodeWakeup('{"node":"a","phone":[1,"2",1.5,3],"other":[4]}')).toEqual({ node: 'a', wakes: [['phone', 1], ['phone', 3]] });
  });

  it('go out one at a time, what is asked meanwhile together in the next; a node wakes only what it holds', async () => {
    const published: string[] = [];
    let release: () => void = () => undefined;
    let handlers: NodeChannelHandlers | undefined;
    const channel: NodeChannel = {
      publish: (payload) => {
        published.push(payload);
        return new Promise((resolve) => (release = resolve));
      },
      listen: (given) => {
        handlers = given;
        return { close: async () => undefined };
      },
    };
    const woken: string[] = [];
    const target = (kind: string, held: number[]): WakeTarget => ({ holds: (id) => held.includes(id), held: () => held, wake: (id) => woken.push(`${kind}:${id}`) });
    const targets = { phone: target('phone', [1]), call: target('call', []), web: target('web', [9]), session: target('session', []), deleted: target('deleted', []) };
    const logged: string[] = [];
    const wakeups = new NodeWakeups({ channel, nodeId: 'node-a', targets, logError: () => undefined, logState: (level, message) => logged.push(`${level}: ${message}`) });
    wakeups.start();

    wakeups.wake('phone', 1);
    wakeups.wake('phone', 2);
    wakeups.wake('phone', 2);
    wakeups.wake('call', 3);
    expect(published).toHaveLength(1);
    release();
    await waitUntil(() => published.length === 2);
    expect(decodeWakeup(published[1]!)!.wakes).toEqual([['phone', 2], ['call', 3]]);
    release();

    handlers!.onNotification(JSON.stringify({ node: 'node-b', phone: [1, 2], web: [9] }));
    handlers!.onNotification(JSON.stringify({ node: 'node-a', phone: [1] }));
    expect(woken).toEqual(['phone:1', 'web:9']);
    woken.length = 0;
    handlers!.onListening();
    expect(woken).toEqual(['phone:1', 'web:9']);

    // A lost connection is logged once, however many attempts fail, and so is its return.
    handlers!.onLost();
    handlers!.onLost();
    handlers!.onListening();
    expect(logged).toEqual([expect.stringMatching(/^warn: lost the connection/), 'info: hearing the other nodes again']);
    await wakeups.close();
  });
});

describe.runIf(POSTGRES_URL)('two PostgreSQL nodes whose polls are a minute apart', () => {
  let cluster: PostgresNodes;
  let nodes: Gateway[] = [];
  let whatsapps: FakeWhatsApp[] = [];
  let agent: TestAgent | undefined;
  let schema: string;
  /** The demo project, made by the first test. */
  let demo: { project: Project; token: string } | undefined;

  beforeAll(async () => {
    cluster = await startPostgresNodes({
      SWITCHBOARD_MASTER_TOKEN: 'wakeups-master-token-0123',
      // Polls, lease renewals and device sweeps far apart: only a wake-up acts within the tests' waits.
      SWITCHBOARD_DISPATCH_POLL_MS: '60000',
      SWITCHBOARD_WHATSAPP_WEB_LEASE_MS: '180000',
      SWITCHBOARD_DEVICE_HEARTBEAT_MS: '180000',
      SWITCHBOARD_DEVICE_OFFLINE_MS: '360000',
      SWITCHBOARD_WHATSAPP_WEB_GAP_MIN_MS: '0',
      SWITCHBOARD_WHATSAPP_WEB_GAP_MAX_MS: '0',
    });
    ({ nodes, whatsapps } = cluster);
    schema = new URL(cluster.shared.databaseUrl).searchParams.get('options')!.replace('-c search_path=', '');
  });
  afterAll(async () => {
    await agent?.agent.stop();
    await cluster?.close();
  });

  const urlOf = (node: Gateway) => cluster.urlOf(node);
  const post = async (node: Gateway, endpoint: string, body: Record<string, unknown>) =>
    (await (await fetch(`${urlOf(node)}/api/v2/${endpoint}`, { method: 'POST', body: JSON.stringify(body) })).json()) as Record<string, any>;

  /** The listening connections of this suite's nodes, as PostgreSQL sees them. */
  async function listenerPids(): Promise<number[]> {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ pid: number }>(
        `select pid from pg_stat_activity where application_name = 'switchboard-listener' and query = $1`,
        [`LISTEN "switchboard_nodes:${schema}"`],
      );
      return rows.map((row) => row.pid);
    } finally {
      await client.end();
    }
  }

  async function terminate(pids: number[]): Promise<void> {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      await client.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [pids]);
    } finally {
      await client.end();
    }
  }

  it('brings a push taken by node A to the phone node B holds at once, not at B’s next poll', async () => {
    const report = await ensureAccount(nodes[0]!);
    await ensureAccount(nodes[1]!);
    const project = (await nodes[0]!.storage.stores.projects.findById(report.demo!.projectId))!;
    demo = { project, token: report.demo!.apiToken };
    agent = createTestAgent({ serverUrl: urlOf(nodes[1]!), licenseKey: project.licenseKey, deviceId: 'phone-on-b', delayMs: 0 });
    await agent.agent.start();
    await waitUntil(() => nodes[1]!.bridge.connectedFor(project.id).length === 1);
    await waitUntil(async () => (await listenerPids()).length === 2);

    const answer = await post(nodes[0]!, 'push', { token: report.demo!.apiToken, application: 1, globalmessage: 'across nodes', data: [{ number: '15550001111' }] });
    expect(answer.status).toBe(100);
    await agent.waitFor(() => agent!.messages().length === 1, 5_000);

    // The listening connections are cut (a restarted server, a dropped route): each node listens again
    // on a new one, and looks at every queue it holds when it does.
    const cut = await listenerPids();
    await terminate(cut);
    await waitUntil(async () => {
      const now = await listenerPids();
      return now.length === 2 && now.every((pid) => !cut.includes(pid));
    }, 5_000);
    const again = await post(nodes[0]!, 'push', { token: report.demo!.apiToken, application: 1, globalmessage: 'after the cut', data: [{ number: '15550002222' }] });
    expect(again.status).toBe(100);
    await agent.waitFor(() => agent!.messages().length === 2, 5_000);
    expect(agent.messages().map((message) => message.text)).toEqual(['across nodes', 'after the cut']);
  }, 30_000);

  it('brings a conference taken by node A to the calling phone node B holds', async () => {
    const { project, token } = demo!;
    const caller = createTestAgent({ serverUrl: urlOf(nodes[1]!), licenseKey: project.licenseKey, deviceId: 'caller-on-b', delayMs: 0, applications: [4], driver: simulateDriver({ secondMs: 1 }) });
    try {
      await caller.agent.start();
      await waitUntil(() => nodes[1]!.bridge.connectedFor(project.id).length === 2);
      const answer = await post(nodes[0]!, 'conference-request', { token, 'priority ': 0, application: '4', mute_gateway: '0', record: '0', data: [{ number: '15550004444' }, { number: '15550005555' }] });
      expect(answer.status).toBe(100);
      await caller.waitFor(() => caller.events.some((event) => event.event === 'call'), 5_000);
    } finally {
      await caller.agent.stop();
    }
  }, 30_000);

  /** A new project whose WhatsApp Web session is paired on node A (the node asked for its QR first). */
  async function projectPairedOnA(name: string, number: string): Promise<{ created: Record<string, any>; token: string; onA: FakeWhatsApp }> {
    const created = await post(nodes[0]!, 'pm/create-project', { token: 'wakeups-master-token-0123', project_name: name, generate_api_token: true });
    const token = (created.api_tokens as { token: string }[])[0]!.token;
    expect((await post(nodes[0]!, 'whatsapp-qr', { token, application: 10 })).qr_code).toBeTruthy();
    const onA = whatsapps[0]!;
    await onA.current.scan(number);
    await waitUntil(async () => (await post(nodes[1]!, 'device-status', { token, application: 10 })).status === 'CONNECTED');
    return { created, token, onA };
  }

  it('brings a WhatsApp Web push taken by node B to the session node A runs', async () => {
    const { token, onA } = await projectPairedOnA('Web', '15557654321');

    const answer = await post(nodes[1]!, 'push', { token, application: 10, globalmessage: 'from node B', data: [{ number: '15550003333' }] });
    expect(answer.status).toBe(100);
    await waitUntil(() => onA.sent.length === 1, 5_000);
    expect(whatsapps[1]!.sockets).toHaveLength(0);

    // A command answered by node B is carried out by node A now, not at its next lease renewal.
    const paired = onA.current;
    expect(await post(nodes[1]!, 'device-action', { token, application: 10, command: 'disconnect' })).toMatchObject({ status: 100 });
    await waitUntil(() => paired.hasLoggedOut, 5_000);
  }, 30_000);

  it('stops a project deleted on node B at once on node A: its number logged out, its phone disconnected', async () => {
    const { created, onA } = await projectPairedOnA('Doomed', '15557650000');
    const paired = onA.current;
    const phone = createTestAgent({ serverUrl: urlOf(nodes[0]!), licenseKey: created.license_key, deviceId: 'doomed-phone-on-a', delayMs: 0 });
    try {
      await phone.agent.start();
      await waitUntil(() => nodes[0]!.bridge.connectedFor(Number(created.project_id)).length === 1);

      expect(await post(nodes[1]!, 'pm/delete-project', { token: 'wakeups-master-token-0123', project_id: created.project_id })).toMatchObject({ status: 100 });
      await waitUntil(() => paired.hasLoggedOut, 5_000);
      await waitUntil(() => nodes[0]!.bridge.connectedFor(Number(created.project_id)).length === 0, 5_000);
    } finally {
      await phone.agent.stop();
    }
  }, 30_000);
});
