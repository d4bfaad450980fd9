// WhatsApp Web sessions end to end against a fake WhatsApp: provisioning on the first application-10
// call, QR pairing, the seeds' status answer, every command's effect, the auth state surviving a
// restart, reconnection after a drop, and the channel-management API.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGateway } from '../src/app/index.js';
import { createLogger } from '../src/app/logger.js';
import { formatProjectIsoTime } from '../src/core/index.js';
import { loadConfig } from '../src/config/index.js';
import { waitUntil } from './support/agents.js';
import { FakeWhatsApp } from './support/fake-whatsapp.js';
import { MASTER_TOKEN } from './support/test-gateway.js';
import { TEST_SECRET_KEY } from './support/test-storage.js';
import { WEB_ENV, startWebSuite, type WebSuite } from './support/whatsapp-web.js';

let s: WebSuite;
beforeEach(async () => {
  s = await startWebSuite();
});
afterEach(() => s.close());

const webChannels = async () => (await s.g.t.gateway.services.channels.listForProject(s.g.t.projectId)).filter((channel) => channel.kind === 10);
const pm = (endpoint: string, body: Record<string, unknown>) => s.g.t.post(endpoint, { token: s.g.t.masterToken, project_id: s.g.t.projectId, ...body });

describe('pairing and status', () => {
  it('opens no socket before an application-10 call, then provisions one unpaired channel', async () => {
    expect(s.whatsapp.sockets).toHaveLength(0);
    expect(await webChannels()).toHaveLength(0);
    const [first, second] = await Promise.all([s.status(), s.status()]);
    expect(first).toMatchObject({ project_id: String(s.g.t.projectId), status: 'UNPAIRED', connected_number: '', message_queue_count: 0 });
    expect(second!.channel_id).toBe(first!.channel_id);
    expect(await webChannels()).toHaveLength(1);
    await waitUntil(() => s.whatsapp.sockets.length === 1);
  });

  it('shows the QR code as text and PNG, and reports CONNECTED in the seeds\' shape once scanned', async () => {
    const qr = await s.post('whatsapp-qr', { application: 10 });
    expect(qr).toMatchObject({ status: 100, session_status: 'UNPAIRED', qr_code: '2@fake-qr-1' });
    expect(Buffer.from(qr.qr_code_base64, 'base64').subarray(1, 4).toString()).toBe('PNG');
    await s.whatsapp.current.scan('15557654321');
    await waitUntil(async () => (await s.status()).status === 'CONNECTED');
    const status = await s.status();
    expect(Object.keys(status)).toEqual(['project_id', 'status', 'connected_number', 'version', 'message_queue_count', 'time', 'channel_id']);
    expect(status).toMatchObject({ status: 'CONNECTED', connected_number: '15557654321', version: '2.3000.1', message_queue_count: 0 });
    expect(status.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/);
    expect((await s.post('whatsapp-qr', {})).qr_code).toBe('');
  });

  it('says why no QR code shows when WhatsApp cannot be reached, and starts again on the next call', async () => {
    s.whatsapp.connectError = 'WebSocket Error (getaddrinfo ENOTFOUND web.whatsapp.com)';
    const failed = await s.post('whatsapp-qr', {});
    expect(failed).toMatchObject({ status: 404, session_status: 'UNPAIRED', qr_code: '', last_error: 'WebSocket Error (getaddrinfo ENOTFOUND web.whatsapp.com)' });
    // A session that gave up holds nothing: not kept in memory, its lease let go.
    const channelId = Number(failed.channel_id);
    await waitUntil(() => !s.g.t.gateway.whatsappWeb.runningChannels().includes(channelId));
    await waitUntil(async () => (await s.g.t.gateway.storage.stores.whatsappWeb.findSession(channelId))?.leaseNode === '');
    s.whatsapp.connectError = undefined;
    expect(await s.post('whatsapp-qr', {})).toMatchObject({ qr_code: expect.stringMatching(/^2@fake-qr-/) });
    await s.whatsapp.current.scan('15557654321');
    await waitUntil(async () => (await s.status()).status === 'CONNECTED');
    expect((await s.post('whatsapp-qr', {})).last_error).toBe('');
  });

  it('gives phone-number pairing codes while unpaired, 406 for a bad number', async () => {
    expect(await s.post('whatsapp-pairing-code', { number: '+1 555 765 4321' })).toMatchObject({ status: 100, number: '15557654321', pairing_code: 'PAIR-4321' });
    expect((await s.post('whatsapp-pairing-code', { number: 'abc' })).status).toBe(406);
  });

  it('prints time in ISO 8601 with the zone offset', () => {
    expect(formatProjectIsoTime(Date.UTC(2021, 5, 1, 8, 35, 26), 'Asia/Kolkata')).toBe('2021-06-01T14:05:26+05:30');
    expect(formatProjectIsoTime(Date.UTC(2021, 0, 1, 0, 0, 0), 'America/New_York')).toBe('2020-12-31T19:00:00-05:00');
  });

  it('answers a channel id as application, and 404 / 410 for what is not there', async () => {
    await s.status();
    const [channel] = await webChannels();
    expect((await s.post('device-status', { application: channel!.id })).channel_id).toBe(String(channel!.id));
    expect((await s.post('whatsapp-qr', { application: 999_999 })).status).toBe(404);
    expect((await s.post('device-action', { application: 10, command: 'reboot-phone' })).status).toBe(410);
  });

  it('answers 405 and provisions nothing for a plan without application 10', async () => {
    const created = await pm('pm/create-project', { project_name: 'Official', service: 2, billing_plan: 7, generate_api_token: true });
    expect(created.status).toBe(100);
    const token = created.api_tokens[0].token;
    expect((await s.g.t.post('device-status', { token, application: 10 })).status).toBe(405);
    expect((await s.g.t.post('whatsapp-qr', { token })).status).toBe(405);
    expect((await pm('pm/create-channel', { project_id: created.project_id, application: 10 })).status).toBe(405);
    expect((await s.g.t.gateway.services.channels.listForProject(Number(created.project_id))).some((channel) => channel.kind === 10)).toBe(false);
  });
});

describe('connection', () => {
  it('reports TIMEOUT while the phone is unreachable and reconnects after a drop', async () => {
    const socket = await s.pair();
    s.whatsapp.isUnreachable = true;
    socket.drop();
    await waitUntil(async () => (await s.status()).status === 'TIMEOUT');
    const opened = s.whatsapp.sockets.length;
    await waitUntil(() => s.whatsapp.sockets.length > opened + 1);
    s.whatsapp.isUnreachable = false;
    await waitUntil(async () => (await s.status()).status === 'CONNECTED');
  });

  it('reports UNPAIRED when the phone unlinks the session, and erases its credentials', async () => {
    const socket = await s.pair();
    socket.unlinkFromPhone();
    await waitUntil(async () => (await s.status()).status === 'UNPAIRED');
    const [channel] = await webChannels();
    expect(await s.g.t.gateway.storage.stores.whatsappWeb.readCreds(channel!.id)).toBeUndefined();
  });

  it('keeps the auth state in the database: a restarted gateway reconnects without a QR code', async () => {
    await s.pair('15550009999');
    const [channel] = await webChannels();
    const stores = s.g.t.gateway.storage.stores.whatsappWeb;
    expect(JSON.parse((await stores.readCreds(channel!.id))!)).toMatchObject({ registered: true });
    expect((await stores.readKeys(channel!.id, 'pre-key', ['1', '2'])).get('1')).toBe('{"public":"a","private":"b"}');
    // The first process goes away (its sessions and leases with it); a second one starts on the same database.
    const { whatsapp, second } = await replaceGateway();
    try {
      await waitUntil(async () => (await stores.findSession(channel!.id))?.state === 'connected' && whatsapp.sockets.length === 1);
      expect(whatsapp.current.qrShown).toEqual([]);
      expect(await stores.findSession(channel!.id)).toMatchObject({ connectedNumber: '15550009999', isPaired: true });
    } finally {
      await second.whatsappWeb.close();
      await second.http.close();
    }
  });
});

/** The first process's sessions go away; a second gateway, with a new fake WhatsApp, starts on the same database. */
async function replaceGateway() {
  await s.g.t.gateway.whatsappWeb.close();
  const whatsapp = new FakeWhatsApp();
  const config = loadConfig({ env: { ...WEB_ENV, SWITCHBOARD_MASTER_TOKEN: MASTER_TOKEN, SWITCHBOARD_SECRET_KEY: TEST_SECRET_KEY, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent' } });
  const second = await createGateway({ config, storage: s.g.t.test.storage, logger: createLogger('silent'), whatsappClients: whatsapp });
  await second.listen();
  return { whatsapp, second };
}

describe('queue recovery', () => {
  it('sends a message a stopped node had claimed but never handed over', async () => {
    await s.status();
    const pushed = await s.post('push', { application: 10, globalmessage: 'claimed then lost', data: [{ number: '15550001111' }] });
    const msgId = Number(pushed.data[0].msg_id);
    await s.g.t.gateway.services.messages.moveMany([{ messageId: msgId, to: 'sending' }]);
    await s.pair();
    await waitUntil(() => s.whatsapp.sent.some((call) => (call.content as { text?: string }).text === 'claimed then lost'));
    expect((await s.g.t.gateway.services.messages.timeline(msgId)).map((event) => event.state)).toEqual(['queued', 'sending', 'queued', 'sending']);
  });

  it('sends again after a dropped connection, under the same WhatsApp id, a message whose server ack never came', async () => {
    const socket = await s.pair('15550008888');
    const pushed = await s.post('push', { application: 10, globalmessage: 'sent, then the line dropped', data: [{ number: '15550001111' }] });
    const msgId = Number(pushed.data[0].msg_id);
    const isOurs = (call: { content: unknown }) => (call.content as { text?: string }).text === 'sent, then the line dropped';
    await waitUntil(() => s.whatsapp.sent.some(isOurs));
    socket.drop();
    await waitUntil(() => s.whatsapp.sent.filter(isOurs).length === 2);
    const ids = s.whatsapp.sent.filter(isOurs).map((call) => call.options.messageId);
    expect(ids[1]).toBe(ids[0]);
    expect(s.whatsapp.sockets.at(-1)!.sent.filter(isOurs)).toHaveLength(1);
    s.whatsapp.current.ack(ids[0]!, 2);
    await waitUntil(async () => (await s.g.t.gateway.services.messages.get(msgId))?.state === 'submitted');
  });

  it('sends again, under the same WhatsApp id, a message handed over whose server ack never came', async () => {
    await s.pair('15550009999');
    const pushed = await s.post('push', { application: 10, globalmessage: 'handed over, never acked', data: [{ number: '15550001111' }] });
    const msgId = Number(pushed.data[0].msg_id);
    const isOurs = (call: { content: unknown }) => (call.content as { text?: string }).text === 'handed over, never acked';
    await waitUntil(() => s.whatsapp.sent.some(isOurs));
    const first = s.whatsapp.sent.find(isOurs)!;
    expect((await s.g.t.gateway.services.messages.get(msgId))?.state).toBe('sending');
    // The process goes away before WhatsApp's ack; a second one starts on the same database.
    const { whatsapp, second } = await replaceGateway();
    try {
      await waitUntil(() => whatsapp.sent.some(isOurs));
      expect(whatsapp.sent.filter(isOurs).map((call) => call.options.messageId)).toEqual([first.options.messageId]);
    } finally {
      await second.whatsappWeb.close();
      await second.http.close();
    }
  });
});

describe('device-action commands (application 10)', () => {
  it('restart closes the socket and opens a new one', async () => {
    const socket = await s.pair();
    expect(await s.post('device-action', { application: 10, command: 'restart' })).toMatchObject({ status: 100, message: 'Success' });
    expect(socket.isClosed).toBe(true);
    await waitUntil(async () => s.whatsapp.current !== socket && (await s.status()).status === 'CONNECTED');
  });

  it('restart-server reloads the session from storage', async () => {
    const socket = await s.pair();
    const [channel] = await webChannels();
    // Credentials changed under the session (another node, a restore): the reload must see them.
    await s.g.t.gateway.storage.stores.whatsappWeb.writeCreds(channel!.id, JSON.stringify({ registered: true, me: { id: '15551112222:3@s.whatsapp.net' } }), 1);
    expect((await s.post('device-action', { application: 10, command: 'restart-server' })).status).toBe(100);
    expect(socket.isClosed).toBe(true);
    await waitUntil(async () => (await s.status()).connected_number === '15551112222');
  });

  it('delete-message-queue cancels and refunds what is queued', async () => {
    await s.status();
    const before = await s.g.t.gateway.services.wallet.balance(1);
    const pushed = await s.post('push', { application: 10, globalmessage: 'later', data: [{ number: '15550001111' }, { number: '15550002222' }] });
    expect(pushed.status).toBe(100);
    expect((await s.status()).message_queue_count).toBe(2);
    expect(await s.post('device-action', { application: 10, command: 'delete-message-queue' })).toMatchObject({ status: 100, messages_cancelled: 2 });
    const states = (await s.g.t.gateway.storage.stores.messages.listByPush(Number(pushed.push_id))).map((message) => message.state);
    expect(states).toEqual(['refunded', 'refunded']);
    expect(await s.g.t.gateway.services.wallet.balance(1)).toBe(before);
    expect((await s.status()).message_queue_count).toBe(0);
  });

  it('disconnect logs the number out and shows a new QR code', async () => {
    const socket = await s.pair();
    expect((await s.post('device-action', { application: 10, command: 'disconnect' })).status).toBe(100);
    expect(socket.hasLoggedOut).toBe(true);
    expect((await s.status()).status).toBe('UNPAIRED');
    await waitUntil(async () => (await s.post('whatsapp-qr', {})).qr_code === '2@fake-qr-2');
  });

  it('clearlogs erases the stored session and its message logs', async () => {
    const socket = await s.pair();
    socket.receive({ key: { remoteJid: '15550003333@s.whatsapp.net', id: 'IN-1' }, message: { conversation: 'hello' } });
    const [channel] = await webChannels();
    const inbound = () => s.g.t.gateway.services.inbound.list(s.g.t.projectId, 10);
    await waitUntil(async () => (await inbound()).length === 1);
    expect((await s.post('device-action', { application: 10, command: 'clearlogs' })).status).toBe(100);
    expect(socket.hasLoggedOut).toBe(true);
    expect(await inbound()).toEqual([]);
    expect(await s.g.t.gateway.storage.stores.whatsappWeb.readCreds(channel!.id)).toBeUndefined();
    expect((await s.status()).status).toBe('UNPAIRED');
  });
});

describe('channel management', () => {
  it('creates, lists, updates and deletes WhatsApp Web channels with the master token', async () => {
    const created = await pm('pm/create-channel', { application: 10, name: 'Sales', echo_messages: 1 });
    expect(created).toMatchObject({ status: 100, application: 10, name: 'Sales', channel_status: 'active', settings: { echo_messages: true }, session_status: 'UNPAIRED' });
    expect((await pm('pm/create-channel', { application: 1 })).status).toBe(410);
    const updated = await pm('pm/update-channel', { channel_id: created.channel_id, send_gap_min_ms: 1000, send_gap_max_ms: 3000 });
    expect(updated.settings).toEqual({ echo_messages: true, send_gap_min_ms: 1000, send_gap_max_ms: 3000 });
    expect((await pm('pm/update-channel', { channel_id: created.channel_id, send_gap_min_ms: 5000 })).status).toBe(410);
    expect((await pm('pm/list-channels', {})).data.map((channel: any) => channel.name)).toContain('Sales');
    expect(s.whatsapp.sockets).toHaveLength(0);
    expect((await s.post('device-status', { application: Number(created.channel_id) })).status).toBe('UNPAIRED');
    const deleted = await pm('pm/delete-channel', { channel_id: created.channel_id });
    expect(deleted).toMatchObject({ status: 100, channel_status: 'deleted' });
    expect((await s.post('device-status', { application: Number(created.channel_id) })).status).toBe(404);
    expect((await pm('pm/list-channels', {})).data.map((channel: any) => channel.name)).not.toContain('Sales');
    expect((await pm('pm/delete-channel', { channel_id: created.channel_id })).status).toBe(404);
  });
});
