// Deleting a project stops its phones and WhatsApp Web sessions at once: connected devices are refused
// (nothing more they send is acknowledged), their license key and device tokens no longer pair, its
// WhatsApp numbers are logged out and their credentials erased, and a restarted gateway does not bring the
// sessions back. On PostgreSQL another node learns of the deletion at the device's next frame (or its
// sweep for idle devices) and at its next lease renewal, where it logs the number out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, ensureAccount, type Gateway } from '../src/app/index.js';
import { createLogger } from '../src/app/logger.js';
import { loadConfig } from '../src/config/index.js';
import { waitUntil } from './support/agents.js';
import { FakeWhatsApp } from './support/fake-whatsapp.js';
import { connectRawDevice, hello, type RawDevice } from './support/raw-device.js';
import { startListeningGateway, type ListeningGateway } from './support/listening-gateway.js';
import { MASTER_TOKEN, startTestGateway } from './support/test-gateway.js';
import { startPostgresNodes, type PostgresNodes } from './support/postgres-nodes.js';
import { POSTGRES_URL, TEST_SECRET_KEY } from './support/test-storage.js';
import { WEB_ENV, startWebSuite, type WebSuite } from './support/whatsapp-web.js';

const inbound = (id: string) => ({ type: 'inbound', id, application: 1, number: '15550001111', msg_type: 1, text: 'still there?' });

describe('deleting a project on one gateway', () => {
  let s: WebSuite;
  beforeAll(async () => {
    s = await startWebSuite();
  });
  afterAll(async () => {
    await s?.close();
  });

  async function pairedDevice(deviceId: string): Promise<{ device: RawDevice; token: string }> {
    const device = await connectRawDevice(s.g.url);
    s.g.track(() => device.close());
    device.send(hello(s.g.licenseKey, deviceId));
    const welcome = await device.next('welcome');
    return { device, token: welcome.device_token as string };
  }

  it('refuses its connected phones and stops its WhatsApp Web session before answering; nothing pairs again', async () => {
    const busy = await pairedDevice('busy-phone');
    const idle = await pairedDevice('idle-phone');
    busy.device.send(inbound('before'));
    await busy.device.next('inbound_ack');
    const socket = await s.pair('15550003333');
    const [channelId] = s.g.t.gateway.whatsappWeb.runningChannels();
    expect(channelId).toBeDefined();

    const answer = await s.g.t.post('pm/delete-project', { token: s.g.t.masterToken, project_id: s.g.t.projectId });
    expect(answer).toMatchObject({ status: 100, project_status: 'Delete' });
    // Already done when the answer came: no phone of the project counts as connected, the session stopped.
    expect(s.g.t.gateway.bridge.connectedFor(s.g.t.projectId)).toEqual([]);
    expect(socket.isClosed).toBe(true);
    expect(s.g.t.gateway.whatsappWeb.runningChannels()).toEqual([]);
    // The number was logged out (the phone's linked device goes) and nothing of the pairing is kept.
    expect(socket.hasLoggedOut).toBe(true);
    expect(await s.g.t.gateway.storage.stores.whatsappWeb.readCreds(channelId!)).toBeUndefined();
    for (const { device } of [busy, idle]) expect(await device.next('refused')).toMatchObject({ reason: 'project_not_active' });
    await Promise.all([busy.device.closed, idle.device.closed]);

    // Neither the license key nor a device token pairs any more.
    for (const first of [hello(s.g.licenseKey, 'new-phone'), hello('', 'busy-phone', { license_key: undefined, device_token: busy.token })]) {
      const again = await connectRawDevice(s.g.url);
      s.g.track(() => again.close());
      again.send(first);
      expect(await again.next('refused')).toMatchObject({ reason: 'project_not_active' });
    }
    await waitUntil(async () => (await s.g.t.gateway.services.devices.list(s.g.t.projectId)).every((device) => !device.isOnline));
  });

  it('does not bring the deleted project\'s WhatsApp Web session back after a restart', async () => {
    await s.g.t.gateway.whatsappWeb.close();
    const whatsapp = new FakeWhatsApp();
    const config = loadConfig({ env: { ...WEB_ENV, SWITCHBOARD_MASTER_TOKEN: MASTER_TOKEN, SWITCHBOARD_SECRET_KEY: TEST_SECRET_KEY, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' } });
    const second = await createGateway({ config, storage: s.g.t.test.storage, logger: createLogger('silent'), whatsappClients: whatsapp });
    try {
      // listen() resumes paired sessions before it returns.
      await second.listen();
      expect(second.whatsappWeb.runningChannels()).toEqual([]);
      expect(whatsapp.sockets).toHaveLength(0);
    } finally {
      await second.whatsappWeb.close();
      await second.bridge.close();
      await second.http.close();
    }
  });
});

describe('the queue of a deleted project', () => {
  let g: ListeningGateway;
  beforeAll(async () => {
    g = await startListeningGateway({ SWITCHBOARD_DEVICE_OFFLINE_MS: '1000', SWITCHBOARD_DEVICE_HEARTBEAT_MS: '1000' });
  });
  afterAll(async () => {
    await g?.close();
  });

  it('is cancelled and refunded: queued messages before the answer, those a vanished phone held at the offline sweep', async () => {
    const balance = () => g.t.gateway.services.wallet.balance(1);
    const start = await balance();
    const state = async (msgId: string) => (await g.t.gateway.services.messages.get(Number(msgId)))!.state;
    // A phone takes one message and vanishes without a report; the next two wait in the queue.
    const phone = await connectRawDevice(g.url);
    g.track(() => phone.close());
    phone.send(hello(g.licenseKey, 'vanishing-phone'));
    await phone.next('welcome');
    const first = await g.t.post('push', { token: g.t.apiToken, application: 1, globalmessage: 'held', data: [{ number: '15550001111' }] });
    await phone.next('send');
    phone.close();
    await waitUntil(() => g.t.gateway.bridge.connectedFor(g.t.projectId).length === 0);
    const queued = await g.t.post('push', { token: g.t.apiToken, application: 1, globalmessage: 'queued', data: [{ number: '15550001112' }, { number: '15550001113' }] });
    const [held, ...waiting] = [first.data[0].msg_id, ...queued.data.map((item: { msg_id: string }) => item.msg_id)] as string[];
    const price = (start - (await balance())) / 3;
    expect(price).toBeGreaterThan(0);

    expect(await g.t.post('pm/delete-project', { token: g.t.masterToken, project_id: g.t.projectId })).toMatchObject({ status: 100 });
    for (const msgId of waiting) expect(await state(msgId)).toBe('refunded');
    expect(await balance()).toBe(start - price);
    expect(await g.t.gateway.services.messages.timeline(Number(waiting[0]))).toContainEqual(expect.objectContaining({ state: 'cancelled', error: 'project deleted' }));

    // The held one: at the sweep after the offline timeout, cancelled instead of queued for a phone that cannot come.
    await waitUntil(async () => (await state(held!)) === 'refunded', 10_000);
    expect(await balance()).toBe(start);
  });
});

describe('a push authenticated just before its project was deleted', () => {
  it('is refused with 408 when its batch is written after the deletion: nothing stored, nothing paid, its key not claimed', async () => {
    const t = await startTestGateway();
    try {
      const caller = await t.gateway.services.authenticator.project(t.apiToken, '127.0.0.1');
      expect(await t.post('pm/delete-project', { token: t.masterToken, project_id: t.projectId })).toMatchObject({ status: 100 });
      const before = await t.gateway.services.wallet.balance(1);
      const push = { token: t.apiToken, application: 1, globalmessage: 'too late', data: [{ number: '15550001111' }] };
      for (let attempt = 0; attempt < 2; attempt += 1) {
        await expect(t.gateway.services.pushes.submit(caller, push, 'late-key')).rejects.toMatchObject({ code: 408 });
      }
      expect(await t.gateway.services.wallet.balance(1)).toBe(before);
    } finally {
      await t.close();
    }
  });
});

describe.runIf(POSTGRES_URL)('deleting a project on one PostgreSQL node', () => {
  let cluster: PostgresNodes;
  const devices: RawDevice[] = [];

  beforeAll(async () => {
    cluster = await startPostgresNodes({
      ...WEB_ENV,
      SWITCHBOARD_MASTER_TOKEN: MASTER_TOKEN,
      SWITCHBOARD_ALLOW_PRIVATE_URLS: 'true',
      SWITCHBOARD_WHATSAPP_WEB_LEASE_MS: '3000',
      // A sweep every half second finds idle devices; none is dropped as silent during the test.
      SWITCHBOARD_DEVICE_HEARTBEAT_MS: '1000',
      SWITCHBOARD_DEVICE_OFFLINE_MS: '600000',
    });
  });
  afterAll(async () => {
    for (const device of devices) await device.close().catch(() => undefined);
    await cluster?.close();
  });

  const urlOf = (node: Gateway) => cluster.urlOf(node);
  const post = async (node: Gateway, endpoint: string, body: Record<string, unknown>) =>
    (await fetch(`${urlOf(node)}/api/v2/${endpoint}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((response) => response.json())) as Record<string, any>;

  it('refuses node B\'s phones at their next frame (idle ones at the next sweep) and stops the session node B runs', async () => {
    const { nodes, whatsapps } = cluster;
    const report = await ensureAccount(nodes[0]!);
    await ensureAccount(nodes[1]!);
    const projectId = report.demo!.projectId;
    const licenseKey = report.demo!.licenseKey;
    const onB = async (deviceId: string) => {
      const device = await connectRawDevice(urlOf(nodes[1]!));
      devices.push(device);
      device.send(hello(licenseKey, deviceId));
      await device.next('welcome');
      return device;
    };
    const busy = await onB('busy-on-b');
    const idle = await onB('idle-on-b');
    // The WhatsApp Web session starts on node B, which answered the QR call.
    const qr = await post(nodes[1]!, 'whatsapp-qr', { token: report.demo!.apiToken, application: 10 });
    expect(qr.qr_code).toBeTruthy();
    await whatsapps[1]!.current.scan('15550006666');
    await waitUntil(async () => (await post(nodes[1]!, 'device-status', { token: report.demo!.apiToken, application: 10 })).status === 'CONNECTED');
    expect(nodes[1]!.whatsappWeb.runningChannels()).toHaveLength(1);

    expect(await post(nodes[0]!, 'pm/delete-project', { token: MASTER_TOKEN, project_id: projectId })).toMatchObject({ status: 100 });
    // Node B reads a project's state at most once a second: past that, its next frame meets the deletion.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    busy.send(inbound('after-delete'));
    expect(await busy.next('refused')).toMatchObject({ reason: 'project_not_active' });
    expect(busy.frames.some((frame) => frame.type === 'inbound_ack')).toBe(false);
    expect(await idle.next('refused', 10_000)).toMatchObject({ reason: 'project_not_active' });
    await waitUntil(() => nodes[1]!.whatsappWeb.runningChannels().length === 0 && whatsapps[1]!.current.isClosed);
    // Node B logged the number out when it stopped the session, and no credentials are left.
    expect(whatsapps[1]!.current.hasLoggedOut).toBe(true);
    const [channel] = (await nodes[0]!.storage.stores.channels.listByProject(projectId)).filter((each) => each.kind === 10);
    await waitUntil(async () => (await nodes[0]!.storage.stores.whatsappWeb.readCreds(channel!.id)) === undefined);

    // No node pairs the project's phones any more.
    for (const node of nodes) {
      const again = await connectRawDevice(urlOf(node));
      devices.push(again);
      again.send(hello(licenseKey, 'again'));
      expect(await again.next('refused')).toMatchObject({ reason: 'project_not_active' });
    }
  });
});
