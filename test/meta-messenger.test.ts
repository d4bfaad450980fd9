// Messenger channels (application 5) against a local fake Graph server over real HTTP: the Send API body
// (messaging_type RESPONSE inside the 24-hour window, a message tag outside), quick replies and
// attachments, inbound messages and postbacks to the global webhook with messenger_id, delivery and read
// receipts to the event webhook, and instant replies answered on Messenger.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { messengerWebhook, sendMetaWebhook, startFakeGraph, type FakeGraph } from './support/fake-graph.js';
import { startListeningGateway, type ListeningGateway } from './support/listening-gateway.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';
import { waitUntil } from './support/agents.js';

const PAGE_ID = '112233445566778';
const APP_SECRET = 'f00dbabe0123456789abcdef01234567';
const PAGE_TOKEN = 'EAAGpagetoken0123456789abcdefghij';
const PSID = '6789012345678901';

let graph: FakeGraph;
let receiver: WebhookReceiver;
let g: ListeningGateway;

beforeAll(async () => {
  graph = await startFakeGraph();
  receiver = await startWebhookReceiver();
});
afterAll(async () => {
  await graph.close();
  await receiver.close();
});
beforeEach(async () => {
  graph.requests.length = 0;
  receiver.calls.length = 0;
  receiver.respond((_call, _index, response) => {
    response.writeHead(200);
    response.end('ok');
  });
  g = await startListeningGateway({ SWITCHBOARD_META_GRAPH_URL: graph.url, SWITCHBOARD_WEBHOOK_BATCH_MS: '0', SWITCHBOARD_WEBHOOK_POLL_MS: '100', SWITCHBOARD_DISPATCH_POLL_MS: '100' });
  const created = await g.t.post('pm/create-channel', { token: g.t.masterToken, project_id: g.t.projectId, application: 5, page_id: PAGE_ID, access_token: PAGE_TOKEN, app_secret: APP_SECRET, verify_token: 'fb-verify' });
  expect(created).toMatchObject({ status: 100, application: 5, page_id: PAGE_ID });
  await g.t.post('pm/set-webhook', { token: g.t.masterToken, project_id: g.t.projectId, global_webhook: `${receiver.url}/global`, event_webhook: `${receiver.url}/events` });
});
afterEach(async () => {
  await g.close();
});

const push = (body: Record<string, unknown>) => g.t.post('push', { token: g.t.apiToken, application: 5, ...body });
const userWrites = (mid: string, message: Record<string, unknown> = { text: 'hi page' }) =>
  sendMetaWebhook(g.url, messengerWebhook(PAGE_ID, [{ sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: Date.now(), message: { mid, ...message } }]), APP_SECRET);
const globalCalls = () => receiver.calls.filter((call) => call.path.startsWith('/global'));
const eventItems = () => receiver.calls.filter((call) => call.path.startsWith('/events')).flatMap((call) => call.fields.data as Record<string, any>[]);

describe('Messenger', () => {
  it('sends with a message tag to a person never heard from, and RESPONSE inside the window', async () => {
    const first = await push({ globalmessage: 'Your order shipped', data: [{ messenger_id: PSID }] });
    expect(first).toMatchObject({ status: 100, message: 'Success', data: [{ messenger_id: PSID, msg_id: expect.any(String) }] });
    const [tagged] = await graph.waitForRequests('/me/messages', 1);
    expect(tagged!.headers.authorization).toBe(`Bearer ${PAGE_TOKEN}`);
    expect(tagged!.body).toEqual({ recipient: { id: PSID }, messaging_type: 'MESSAGE_TAG', tag: 'ACCOUNT_UPDATE', message: { text: 'Your order shipped' } });

    await userWrites('m_in1');
    await waitUntil(() => globalCalls().length >= 1);
    expect(globalCalls()[0]!.fields).toMatchObject({ messenger_id: PSID, number: PSID, application: 5, type: 1, message_in_raw: 'hi page' });
    await push({ globalmessage: 'Pick', interactive_globalbuttons: ['Red', { title: 'Blue', id: 'B' }], data: [{ messenger_id: PSID, payload: ['R'] }] });
    await push({ globalmessage: 'a photo', globalmedia: 'https://cdn.example.com/p.jpg', data: [{ messenger_id: PSID }] });
    const sends = await graph.waitForRequests('/me/messages', 4);
    // The two pushes may be in flight together; the photo's text always goes before its attachment.
    const later = sends.slice(1).map((request) => request.body);
    expect(later).toContainEqual({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'Pick', quick_replies: [{ content_type: 'text', title: 'Red', payload: 'R' }, { content_type: 'text', title: 'Blue', payload: 'B' }] } });
    const caption = later.findIndex((body) => body.message.text === 'a photo');
    expect(caption).toBeGreaterThanOrEqual(0);
    expect(later.slice(caption + 1).find((body) => body.message.attachment)!.message).toEqual({ attachment: { type: 'image', payload: { url: 'https://cdn.example.com/p.jpg', is_reusable: true } } });
  });

  it('reports delivery (by mid) and read (by watermark) to the event webhook', async () => {
    const answer = await push({ globalmessage: 'hello', data: [{ messenger_id: PSID }] });
    const msgId = Number(answer.data[0].msg_id);
    await waitUntil(async () => (await g.t.gateway.storage.stores.meta.findSentByMessageId(msgId)) !== undefined);
    const sent = (await g.t.gateway.storage.stores.meta.findSentByMessageId(msgId))!;
    await sendMetaWebhook(g.url, messengerWebhook(PAGE_ID, [{ sender: { id: PSID }, recipient: { id: PAGE_ID }, delivery: { mids: [sent.externalId], watermark: Date.now() } }]), APP_SECRET);
    await sendMetaWebhook(g.url, messengerWebhook(PAGE_ID, [{ sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: Date.now(), read: { watermark: Date.now() + 1000 } }]), APP_SECRET);
    await waitUntil(() => eventItems().some((item) => item.msg_id === String(msgId) && item.status === '3'));
    expect(eventItems().filter((item) => item.msg_id === String(msgId)).map((item) => item.status)).toEqual(['4', '1', '3']);
    expect(eventItems()[0]).toMatchObject({ messenger_id: PSID });
  });

  it('delivers postbacks and quick replies with their payload, and answers with the instant reply on Messenger', async () => {
    receiver.respond((call, _index, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(call.path.startsWith('/global') && call.fields.type === 9 ? JSON.stringify({ 'message-out': 'Got your choice' }) : '');
    });
    await sendMetaWebhook(g.url, messengerWebhook(PAGE_ID, [{ sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: Date.now(), postback: { mid: 'm_pb1', title: 'Start', payload: 'GET_STARTED' } }]), APP_SECRET);
    await userWrites('m_qr1', { text: 'Red', quick_reply: { payload: 'R' } });
    await waitUntil(() => globalCalls().length >= 2);
    expect(globalCalls().map((call) => call.fields)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 9, payload: 'GET_STARTED', messenger_id: PSID, interactive: { type: 2, id: 'GET_STARTED', description: 'Start' } }),
        expect.objectContaining({ type: 9, payload: 'R', message_in_raw: 'Red' }),
      ]),
    );
    const replies = await graph.waitForRequests('/me/messages', 2);
    expect(replies[0]!.body).toEqual({ recipient: { id: PSID }, messaging_type: 'RESPONSE', message: { text: 'Got your choice' } });
  });

  it('refuses a wrong signature and stores a retried event once', async () => {
    const payload = messengerWebhook(PAGE_ID, [{ sender: { id: PSID }, recipient: { id: PAGE_ID }, timestamp: Date.now(), message: { mid: 'm_twice', text: 'once' } }]);
    expect((await sendMetaWebhook(g.url, payload, 'wrong-secret')).status).toBe(401);
    expect((await sendMetaWebhook(g.url, payload, APP_SECRET)).status).toBe(200);
    expect((await sendMetaWebhook(g.url, payload, APP_SECRET)).status).toBe(200);
    await waitUntil(() => globalCalls().length >= 1);
    await waitUntil(async () => (await g.t.gateway.storage.stores.meta.countPendingInbox()) === 0);
    expect(await g.t.gateway.storage.stores.inbound.listByProject(g.t.projectId, 10)).toHaveLength(1);
  });

  it('refuses base64 media: Messenger takes media by URL', async () => {
    expect((await push({ globalmedia_code: Buffer.from('%PDF-1.4').toString('base64'), data: [{ messenger_id: PSID }] })).status).toBe(410);
  });
});
