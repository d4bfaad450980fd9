// WhatsApp Cloud API channels (applications 8, 101, 121) against a local fake Graph server over real
// HTTP: channel linking with sealed credentials, every push kind and the exact bodies Graph receives,
// Meta's webhooks (verification, signatures, retries stored once), statuses to the event webhook,
// inbound messages and button replies to the global webhook, templates, the 24-hour rule, Graph errors.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cloudWebhook, inboundChange, metaSignature, sendMetaWebhook, startFakeGraph, statusChange, type FakeGraph } from './support/fake-graph.js';
import { startListeningGateway, type ListeningGateway } from './support/listening-gateway.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';
import { waitUntil } from './support/agents.js';

const PHONE_NUMBER_ID = '106540352242922';
const WABA_ID = '102290129340398';
const APP_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';
const ACCESS_TOKEN = 'EAAGtestaccesstoken0123456789abcdef';
const VERIFY_TOKEN = 'verify-me-please';
const CUSTOMER = '919876543210';

let graph: FakeGraph;
let receiver: WebhookReceiver;
let g: ListeningGateway;
let channelId: number;

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
  graph.templates.length = 0;
  receiver.calls.length = 0;
  g = await startListeningGateway({ SWITCHBOARD_META_GRAPH_URL: graph.url, SWITCHBOARD_WEBHOOK_BATCH_MS: '0', SWITCHBOARD_WEBHOOK_POLL_MS: '100', SWITCHBOARD_DISPATCH_POLL_MS: '100' });
  const created = await g.t.post('pm/create-channel', {
    token: g.t.masterToken,
    project_id: g.t.projectId,
    application: 101,
    phone_number_id: PHONE_NUMBER_ID,
    waba_id: WABA_ID,
    access_token: ACCESS_TOKEN,
    app_secret: APP_SECRET,
    verify_token: VERIFY_TOKEN,
  });
  expect(created.status).toBe(100);
  channelId = Number(created.channel_id);
  await g.t.post('pm/set-webhook', { token: g.t.masterToken, project_id: g.t.projectId, global_webhook: `${receiver.url}/global`, event_webhook: `${receiver.url}/events` });
});
/** Set by a test that closes its gateway itself. */
let isClosedByTest = false;
afterEach(async () => {
  if (!isClosedByTest) await g.close();
  isClosedByTest = false;
});

const push = (body: Record<string, unknown>) => g.t.post('push', { token: g.t.apiToken, application: 101, ...body });
const webhook = (payload: unknown, secret = APP_SECRET) => sendMetaWebhook(g.url, payload, secret);
const customerWrites = (wamid: string, message: Record<string, unknown> = { type: 'text', text: { body: 'hello' } }) =>
  webhook(cloudWebhook(WABA_ID, PHONE_NUMBER_ID, 'messages', inboundChange(CUSTOMER, 'Asha', { id: wamid, ...message })));
const globalCalls = () => receiver.calls.filter((call) => call.path.startsWith('/global'));
const eventItems = () => receiver.calls.filter((call) => call.path.startsWith('/events')).flatMap((call) => call.fields.data as Record<string, any>[]);

describe('linking a channel', () => {
  it('answers the channel with masked credentials and the callback URL, and stores no credential in clear', async () => {
    const list = await g.t.post('pm/list-channels', { token: g.t.masterToken, project_id: g.t.projectId });
    const channel = list.data.find((each: any) => Number(each.channel_id) === channelId);
    expect(channel).toMatchObject({ application: 101, phone_number_id: PHONE_NUMBER_ID, waba_id: WABA_ID, webhook_url: `${g.t.gateway.publicUrl()}/webhooks/meta` });
    expect(channel.access_token).not.toContain(ACCESS_TOKEN.slice(4, -4));
    expect(channel.app_secret).not.toContain(APP_SECRET.slice(4, -4));
    expect(JSON.stringify(list)).not.toContain(VERIFY_TOKEN);
    const account = await g.t.gateway.storage.stores.meta.findAccount(channelId);
    expect(account!.accessToken).not.toContain(ACCESS_TOKEN);
    expect(g.t.gateway.services.secrets.open(account!.accessToken)).toBe(ACCESS_TOKEN);
    expect(JSON.stringify(account)).not.toContain(VERIFY_TOKEN);
  });

  it('refuses a channel without its ids or credentials (410) and a number linked twice', async () => {
    const base = { token: g.t.masterToken, project_id: g.t.projectId, application: 8, waba_id: WABA_ID, access_token: 'x'.repeat(20), app_secret: 's', verify_token: 'v' };
    expect((await g.t.post('pm/create-channel', base)).status).toBe(410);
    expect((await g.t.post('pm/create-channel', { ...base, phone_number_id: 'abc' })).status).toBe(410);
    expect((await g.t.post('pm/create-channel', { ...base, phone_number_id: PHONE_NUMBER_ID })).detail).toContain('already linked');
  });

  it("answers Meta's verification with the challenge only for a channel's verify token", async () => {
    const ok = await fetch(`${g.url}/webhooks/meta?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect([ok.status, await ok.text()]).toEqual([200, '1158201444']);
    const wrong = await fetch(`${g.url}/webhooks/meta?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`);
    expect(wrong.status).toBe(403);
  });
});

describe('pushes', () => {
  beforeEach(async () => {
    // The customer wrote first: the 24-hour window is open.
    await customerWrites('wamid.IN0');
    await receiver.waitForCalls(1);
    receiver.calls.length = 0;
  });

  it('sends every kind with the exact body Graph documents, and answers 100 with msg ids', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex').toString('base64');
    const answers = [
      await push({ globalmessage: 'see https://example.com', data: [{ number: CUSTOMER }] }),
      await push({ globalmessage: 'a caption', globalmedia: 'https://cdn.example.com/pic.jpg', data: [{ number: CUSTOMER }] }),
      await push({ globalmedia: 'https://cdn.example.com/clip.mp4', data: [{ number: CUSTOMER }] }),
      await push({ globalmedia: 'https://cdn.example.com/song.mp3', data: [{ number: CUSTOMER }] }),
      await push({ globalmessage: 'the invoice', globalmedia: 'https://cdn.example.com/invoice.pdf', media_name: 'invoice.pdf', data: [{ number: CUSTOMER }] }),
      await push({ globalmedia: 'https://cdn.example.com/sticker.webp', sticker: 1, data: [{ number: CUSTOMER }] }),
      await push({ globalmedia_code: png, globalmessage: 'uploaded', data: [{ number: CUSTOMER }] }),
      await push({ location: { name: 'Office', address: 'MG Road', lat: 12.97, long: 77.59 }, data: [{ number: CUSTOMER }] }),
      await push({ contact: [{ first_name: 'Ravi', last_name: 'K', phone: '919800000000', email: 'r@example.com', company: 'Acme' }], data: [{ number: CUSTOMER }] }),
      await push({ globalmessage: 'Pick one', interactive_globalbuttons: ['Yes', 'No'], data: [{ number: CUSTOMER, payload: ['YES', 'NO'] }] }),
      await push({ globalmessage: 'Choose', interactive_globalbuttons: [{ id: 'a', title: 'A', description: 'first' }, { id: 'b', title: 'B', description: 'second' }], data: [{ number: CUSTOMER }] }),
    ];
    for (const answer of answers) expect(answer).toMatchObject({ status: 100, message: 'Success', data: [{ number: CUSTOMER }] });
    const sends = await graph.waitForRequests('/messages', answers.length);
    const bodies = sends.map((request) => request.body);
    for (const request of sends) {
      expect(request.path).toBe(`/v21.0/${PHONE_NUMBER_ID}/messages`);
      expect(request.headers.authorization).toBe(`Bearer ${ACCESS_TOKEN}`);
    }
    const common = { messaging_product: 'whatsapp', recipient_type: 'individual', to: CUSTOMER };
    const byType = (type: string) => bodies.filter((body) => body.type === type);
    expect(byType('text')).toEqual([{ ...common, type: 'text', text: { body: 'see https://example.com', preview_url: true } }]);
    expect(byType('image')).toContainEqual({ ...common, type: 'image', image: { link: 'https://cdn.example.com/pic.jpg', caption: 'a caption' } });
    expect(byType('video')).toEqual([{ ...common, type: 'video', video: { link: 'https://cdn.example.com/clip.mp4' } }]);
    expect(byType('audio')).toEqual([{ ...common, type: 'audio', audio: { link: 'https://cdn.example.com/song.mp3' } }]);
    expect(byType('document')).toEqual([{ ...common, type: 'document', document: { link: 'https://cdn.example.com/invoice.pdf', caption: 'the invoice', filename: 'invoice.pdf' } }]);
    expect(byType('sticker')).toEqual([{ ...common, type: 'sticker', sticker: { link: 'https://cdn.example.com/sticker.webp' } }]);
    const upload = graph.sent('/media')[0]!;
    expect(upload.path).toBe(`/v21.0/${PHONE_NUMBER_ID}/media`);
    expect(upload.raw.includes(Buffer.from('name="messaging_product"'))).toBe(true);
    expect(byType('image')).toContainEqual({ ...common, type: 'image', image: { id: expect.stringMatching(/^media\d+$/), caption: 'uploaded' } });
    expect(byType('location')).toEqual([{ ...common, type: 'location', location: { latitude: 12.97, longitude: 77.59, name: 'Office', address: 'MG Road' } }]);
    expect(byType('contacts')).toEqual([
      { ...common, type: 'contacts', contacts: [{ name: { formatted_name: 'Ravi K', first_name: 'Ravi', last_name: 'K' }, phones: [{ phone: '919800000000', type: 'CELL' }], emails: [{ email: 'r@example.com', type: 'WORK' }], org: { company: 'Acme' } }] },
    ]);
    // Several calls are in flight at once: Graph may receive them in any order.
    expect(byType('interactive')).toHaveLength(2);
    expect(byType('interactive')).toEqual(
      expect.arrayContaining([
        { ...common, type: 'interactive', interactive: { type: 'button', body: { text: 'Pick one' }, action: { buttons: [{ type: 'reply', reply: { id: 'YES', title: 'Yes' } }, { type: 'reply', reply: { id: 'NO', title: 'No' } }] } } },
        { ...common, type: 'interactive', interactive: { type: 'list', body: { text: 'Choose' }, action: { button: 'Options', sections: [{ rows: [{ id: 'a', title: 'A', description: 'first' }, { id: 'b', title: 'B', description: 'second' }] }] } } },
      ]),
    );
  });

  it('quotes a message (context.message_id) and reports statuses delivered → read to the event webhook', async () => {
    const first = await push({ globalmessage: 'first', data: [{ number: CUSTOMER, reference_number: 'R1' }] });
    const [sent] = await graph.waitForRequests('/messages', 1);
    const msgId = first.data[0].msg_id;
    await waitUntil(async () => (await g.t.gateway.storage.stores.meta.findSentByMessageId(Number(msgId))) !== undefined);
    const record = (await g.t.gateway.storage.stores.meta.findSentByMessageId(Number(msgId)))!;
    expect(sent!.body.text.body).toBe('first');
    await push({ globalmessage: 'second', data: [{ number: CUSTOMER, quoted: msgId }] });
    const [, second] = await graph.waitForRequests('/messages', 2);
    expect(second!.body.context).toEqual({ message_id: record.externalId });

    for (const status of ['sent', 'delivered', 'read']) expect((await webhook(cloudWebhook(WABA_ID, PHONE_NUMBER_ID, 'messages', statusChange(record.externalId, status, CUSTOMER)))).status).toBe(200);
    await waitUntil(() => eventItems().some((item) => item.msg_id === msgId && item.status === '3'));
    const statuses = eventItems().filter((item) => item.msg_id === msgId).map((item) => item.status);
    expect(statuses).toEqual(['4', '1', '3']);
    expect(eventItems().find((item) => item.msg_id === msgId)).toMatchObject({ number: CUSTOMER, reference_number: 'R1', channel_id: String(channelId) });
    const report = await g.t.post('delivery-report', { token: g.t.apiToken, push_id: first.push_id });
    expect(report.data[0]).toMatchObject({ msg_id: msgId, status: '3' });
  });

  it('applies a status that arrives before Graph has answered the send (Meta often races its own answer)', async () => {
    graph.nextMessageId = 'wamid.EARLY';
    const hold = graph.hold('/messages');
    const answer = await push({ globalmessage: 'racing', data: [{ number: CUSTOMER }] });
    await graph.waitForRequests('/messages', 1);
    expect((await webhook(cloudWebhook(WABA_ID, PHONE_NUMBER_ID, 'messages', statusChange('wamid.EARLY', 'delivered', CUSTOMER)))).status).toBe(200);
    hold.release();
    const msgId = answer.data[0].msg_id;
    await waitUntil(() => eventItems().some((item) => item.msg_id === msgId && item.status === '1'));
    expect(eventItems().filter((item) => item.msg_id === msgId).map((item) => item.status)).toEqual(['4', '1']);
  });

  it('stops within seconds while a Graph call hangs (the call is cut, not awaited for its 20 s time limit)', async () => {
    const hold = graph.hold('/messages');
    await push({ globalmessage: 'hanging', data: [{ number: CUSTOMER }] });
    await graph.waitForRequests('/messages', 1);
    const started = Date.now();
    isClosedByTest = true;
    await g.close();
    hold.release();
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('refunds a message whose status comes back failed', async () => {
    const before = (await g.t.post('check-balance', { token: g.t.apiToken })).balance;
    const answer = await push({ globalmessage: 'will fail', data: [{ number: CUSTOMER }] });
    const msgId = Number(answer.data[0].msg_id);
    await waitUntil(async () => (await g.t.gateway.storage.stores.meta.findSentByMessageId(msgId)) !== undefined);
    const record = (await g.t.gateway.storage.stores.meta.findSentByMessageId(msgId))!;
    const failed = statusChange(record.externalId, 'failed', CUSTOMER, { errors: [{ code: 131026, title: 'Message undeliverable', error_data: { details: 'not on WhatsApp' } }] });
    await webhook(cloudWebhook(WABA_ID, PHONE_NUMBER_ID, 'messages', failed));
    await waitUntil(() => eventItems().some((item) => item.msg_id === String(msgId) && item.status === '5'));
    const items = eventItems().filter((item) => item.msg_id === String(msgId));
    expect(items.map((item) => item.status)).toEqual(['4', '2', '5']);
    expect(items[1]!.error_message).toContain('meta 131026: Message undeliverable');
    expect((await g.t.post('check-balance', { token: g.t.apiToken })).balance).toBe(before);
  });

  it('maps Graph errors: undeliverable fails and refunds at once, a rate limit is retried', async () => {
    graph.failNext('/messages', { httpStatus: 400, code: 131026, message: 'Message undeliverable' });
    const failed = await push({ globalmessage: 'x', data: [{ number: CUSTOMER }] });
    await waitUntil(async () => (await g.t.gateway.services.messages.get(Number(failed.data[0].msg_id)))?.state === 'refunded');
    expect((await g.t.gateway.services.messages.get(Number(failed.data[0].msg_id)))!.lastError).toContain('meta 131026');

    graph.failNext('/messages', { httpStatus: 400, code: 130429, message: 'Rate limit hit' });
    const retried = await push({ globalmessage: 'y', data: [{ number: CUSTOMER }] });
    await waitUntil(async () => (await g.t.gateway.services.messages.get(Number(retried.data[0].msg_id)))?.state === 'submitted', 15_000);
    const message = (await g.t.gateway.services.messages.get(Number(retried.data[0].msg_id)))!;
    expect(message.attempts).toBe(2);
  });

  it('fails a message with an expired token (190) with a reason naming the credential', async () => {
    graph.failNext('/messages', { httpStatus: 401, code: 190, message: 'Error validating access token: Session has expired' });
    const answer = await push({ globalmessage: 'x', data: [{ number: CUSTOMER }] });
    await waitUntil(async () => (await g.t.gateway.services.messages.get(Number(answer.data[0].msg_id)))?.state === 'refunded');
    expect((await g.t.gateway.services.messages.get(Number(answer.data[0].msg_id)))!.lastError).toContain('access_token');
  });
});

describe("Meta's webhooks", () => {
  it('refuses a wrong signature with 401 and stores nothing', async () => {
    const payload = cloudWebhook(WABA_ID, PHONE_NUMBER_ID, 'messages', inboundChange(CUSTOMER, 'Asha', { id: 'wamid.BAD', type: 'text', text: { body: 'forged' } }));
    const forged = await sendMetaWebhook(g.url, payload, APP_SECRET, metaSignature(JSON.stringify(payload), 'another-secret'));
    expect(forged.status).toBe(401);
    const unsigned = await fetch(`${g.url}/webhooks/meta`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });
    expect(unsigned.status).toBe(401);
    expect(await g.t.gateway.storage.stores.meta.countPendingInbox()).toBe(0);
    expect(await g.t.gateway.storage.stores.inbound.listByProject(g.t.projectId, 10)).toEqual([]);
  });

  it('stores a message Meta sends three times once, and the global webhook hears it once', async () => {
    for (let attempt = 0; attempt < 3; attempt += 1) expect((await customerWrites('wamid.RETRY')).status).toBe(200);
    await receiver.waitForCalls(1);
    await waitUntil(async () => (await g.t.gateway.storage.stores.meta.countPendingInbox()) === 0);
    expect(globalCalls()).toHaveLength(1);
    expect(globalCalls()[0]!.fields).toMatchObject({ number: CUSTOMER, name: 'Asha', message_in_raw: 'hello', type: 1, application: 101, 'project-id': String(g.t.projectId) });
    expect(await g.t.gateway.storage.stores.inbound.listByProject(g.t.projectId, 10)).toHaveLength(1);
  });

  it('delivers received media, locations, contacts and reactions with the documented variables', async () => {
    graph.addMedia('1234567890', Buffer.from('%PDF-1.4 fake'), 'application/pdf');
    await customerWrites('wamid.DOC', { type: 'document', document: { id: '1234567890', filename: 'a.pdf', caption: 'my file', mime_type: 'application/pdf' } });
    await customerWrites('wamid.LOC', { type: 'location', location: { latitude: 1.5, longitude: 2.5, name: 'Here', address: 'Street 1' } });
    await customerWrites('wamid.CON', { type: 'contacts', contacts: [{ name: { formatted_name: 'Ravi K' }, phones: [{ phone: '+91 98000 00000', wa_id: '919800000000' }] }] });
    await customerWrites('wamid.REACT', { type: 'reaction', reaction: { message_id: 'wamid.DOC', emoji: '👍' } });
    await receiver.waitForCalls(4);
    const byType = (type: number) => globalCalls().find((call) => call.fields.type === type)!.fields;
    const document = byType(6);
    expect(document.message_in_raw).toBe('my file');
    const media = await fetch(document['media-url']);
    expect([media.status, await media.text()]).toEqual([200, '%PDF-1.4 fake']);
    expect(graph.requests.some((request) => request.path === '/v21.0/1234567890' && request.headers.authorization === `Bearer ${ACCESS_TOKEN}`)).toBe(true);
    expect(byType(5).Location).toMatchObject({ lat: 1.5, long: 2.5, name: 'Here', address: 'Street 1' });
    expect(byType(7).contact).toEqual([{ name: 'Ravi K', phone: '919800000000' }]);
    expect(byType(1)).toMatchObject({ message_in_raw: '👍' });
  });

  it('answers an inbound message with the instant reply, on the same channel', async () => {
    receiver.respond((call, _index, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(call.path.startsWith('/global') ? JSON.stringify({ 'message-out': 'Thanks, we got it' }) : '');
    });
    await customerWrites('wamid.ASK');
    const [reply] = await graph.waitForRequests('/messages', 1);
    expect(reply!.body).toMatchObject({ to: CUSTOMER, type: 'text', text: { body: 'Thanks, we got it' } });
    receiver.respond((_call, _index, response) => {
      response.writeHead(200);
      response.end('ok');
    });
  });
});

describe('hostile input', () => {
  it('answers odd webhook bodies and template requests with their codes, never a 500', async () => {
    const signed = async (body: string) => {
      const response = await fetch(`${g.url}/webhooks/meta`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': metaSignature(body, APP_SECRET) }, body });
      return response.status;
    };
    expect(await signed('not json')).toBe(400);
    expect(await signed('[1,2]')).toBe(401);
    expect(await signed(JSON.stringify({ object: 'whatsapp_business_account', entry: 'x' }))).toBe(401);
    // Signed for a linked account but shaped wrong: accepted (Meta would retry a refusal for ever), nothing stored.
    expect(await signed(JSON.stringify({ object: 'whatsapp_business_account', entry: [{ id: WABA_ID, changes: [{ field: 'messages', value: { metadata: { phone_number_id: PHONE_NUMBER_ID }, messages: [{ id: 7 }, null, 'x'] } }] }] }))).toBe(200);
    const verify = await fetch(`${g.url}/webhooks/meta?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.verify_token=again&hub.challenge=1`);
    expect(verify.status).toBe(403);
    for (const body of [{ messages: 'x' }, { name: 'ok', category: 'UTILITY', messages: [null] }, { name: 'ok', category: 'UTILITY', message_type: 'two', messages: [{ message: 'x', language: 'en' }] }, { name: 'ok', category: 'UTILITY', buttons: [{ type: 'url', text: 'Go' }], messages: [{ message: 'x', language: 'en' }] }]) {
      expect((await g.t.post('template-request', { token: g.t.apiToken, ...body })).status).toBe(410);
    }
    expect((await g.t.post('template-status', { token: g.t.apiToken, template_id: { a: 1 } })).status).toBe(410);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await g.t.gateway.storage.stores.inbound.listByProject(g.t.projectId, 10)).toEqual([]);
  });
});

describe('interactive buttons', () => {
  it('sends reply buttons and reports the tap to the global webhook with its payload', async () => {
    await customerWrites('wamid.HI');
    await receiver.waitForCalls(1);
    const answer = await push({ globalmessage: 'Confirm?', interactive_globalbuttons: [{ id: 'confirm-42', title: 'Confirm' }], data: [{ number: CUSTOMER }] });
    const msgId = Number(answer.data[0].msg_id);
    await waitUntil(async () => (await g.t.gateway.storage.stores.meta.findSentByMessageId(msgId)) !== undefined);
    const sent = (await g.t.gateway.storage.stores.meta.findSentByMessageId(msgId))!;
    await customerWrites('wamid.TAP', { type: 'interactive', context: { from: PHONE_NUMBER_ID, id: sent.externalId }, interactive: { type: 'button_reply', button_reply: { id: 'confirm-42', title: 'Confirm' } } });
    await waitUntil(() => globalCalls().some((call) => call.fields.type === 9));
    expect(globalCalls().find((call) => call.fields.type === 9)!.fields).toMatchObject({
      type: 9,
      payload: 'confirm-42',
      interactive: { type: 2, id: 'confirm-42', description: 'Confirm' },
      'context-msg-id': String(msgId),
      message_in_raw: 'Confirm',
    });
  });
});

describe('templates', () => {
  it('creates a template, takes Meta approval from the webhook, then sends it with its components', async () => {
    const created = await g.t.post('template-request', {
      token: g.t.apiToken,
      application: 101,
      name: 'order_update',
      category: 'utility',
      message_type: 1,
      sample_message: ['Asha', '1234'],
      messages: [{ message: 'Hi {{1}}, order {{2}} has shipped', language: 'en', header: 'Order news', footer: 'Acme' }],
      buttons: [{ type: 'quick_reply', text: 'Thanks' }],
    });
    expect(created).toMatchObject({ status: 100, message: 'Success', template_status: 2 });
    const [request] = await graph.waitForRequests('/message_templates', 1);
    expect(request!.path).toBe(`/v21.0/${WABA_ID}/message_templates`);
    expect(request!.body).toEqual({
      name: 'order_update',
      language: 'en',
      category: 'UTILITY',
      components: [
        { type: 'HEADER', format: 'TEXT', text: 'Order news' },
        { type: 'BODY', text: 'Hi {{1}}, order {{2}} has shipped', example: { body_text: [['Asha', '1234']] } },
        { type: 'FOOTER', text: 'Acme' },
        { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Thanks' }] },
      ],
    });
    // Not approved yet: a push naming it is refused.
    expect((await push({ template_id: created.template_id, template_globalmessage: ['Asha', '77'], data: [{ number: CUSTOMER }] })).status).toBe(804);

    const graphId = graph.templates[0]!.id;
    const approval = { event: 'APPROVED', message_template_id: Number(graphId), message_template_name: 'order_update', message_template_language: 'en', reason: 'NONE' };
    expect((await webhook(cloudWebhook(WABA_ID, PHONE_NUMBER_ID, 'message_template_status_update', approval))).status).toBe(200);
    await waitUntil(async () => (await g.t.post('template-status', { token: g.t.apiToken, template_id: created.template_id })).template_status === 3);
    const status = await g.t.post('template-status', { token: g.t.apiToken, template_id: created.template_id });
    expect(status).toMatchObject({ status: 100, template_id: created.template_id, name: 'order_update', template_status: 3, languages: [{ language: 'en', meta_status: 'APPROVED' }] });
    const all = await g.t.post('template-status', { token: g.t.apiToken, template_id: '' });
    expect(all.data).toHaveLength(1);

    // A template goes out even to a number that never wrote (no window needed).
    const sent = await push({ template_id: created.template_id, template_globalmessage: ['Asha', '77'], data: [{ number: '447700900123', payload: ['THANKS-77'] }] });
    expect(sent.status).toBe(100);
    const [message] = await graph.waitForRequests('/messages', 1);
    expect(message!.body).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '447700900123',
      type: 'template',
      template: {
        name: 'order_update',
        language: { code: 'en' },
        components: [
          { type: 'body', parameters: [{ type: 'text', text: 'Asha' }, { type: 'text', text: '77' }] },
          { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'THANKS-77' }] },
        ],
      },
    });
    const msgId = Number(sent.data[0].msg_id);
    await waitUntil(() => eventItems().some((item) => item.msg_id === String(msgId)));
    expect(eventItems().find((item) => item.msg_id === String(msgId))).toMatchObject({ status: '4', template_id: created.template_id });
  });

  it('answers the documented template codes: 804 unknown id, 817 none, 801 without a Cloud API channel, 410 bad names', async () => {
    expect((await g.t.post('template-status', { token: g.t.apiToken, template_id: 'NOPE' })).status).toBe(804);
    expect((await g.t.post('template-status', { token: g.t.apiToken })).status).toBe(817);
    expect((await g.t.post('template-request', { token: g.t.apiToken, application: 101, name: 'Bad Name', category: 'UTILITY', messages: [{ message: 'x', language: 'en' }] })).status).toBe(410);
    expect((await g.t.post('template-request', { token: g.t.apiToken, application: 8, name: 'ok', category: 'UTILITY', messages: [{ message: 'x', language: 'en' }] })).status).toBe(801);
  });

  it('records Meta refusing a template (4, with its reason), and submits one Meta could not be asked about at the next sync', async () => {
    const request = (name: string) => g.t.post('template-request', { token: g.t.apiToken, name, category: 'UTILITY', messages: [{ message: 'Your code is ready', language: 'en' }] });
    graph.failNext('/message_templates', { httpStatus: 400, code: 100, message: 'Invalid parameter', details: 'Template name already exists' });
    const refused = await request('taken_name');
    expect(refused).toMatchObject({ status: 100, template_status: 4, languages: [{ reason: 'meta 100: Template name already exists' }] });
    graph.failNext('/message_templates', { httpStatus: 503, code: 2, message: 'Service temporarily unavailable' });
    const waiting = await request('later_name');
    expect(waiting).toMatchObject({ status: 100, template_status: 1 });
    await g.t.gateway.meta.templates.sync();
    expect(await g.t.post('template-status', { token: g.t.apiToken, template_id: waiting.template_id })).toMatchObject({ template_status: 2, languages: [{ meta_status: 'PENDING' }] });
  });

  it('syncs templates made in WhatsApp Manager', async () => {
    graph.templates.push({ id: '777', name: 'made_elsewhere', language: 'en_US', category: 'MARKETING', status: 'APPROVED', components: [{ type: 'BODY', text: 'Sale!' }] });
    await g.t.gateway.meta.templates.sync();
    const all = await g.t.post('template-status', { token: g.t.apiToken });
    expect(all.data).toEqual([expect.objectContaining({ name: 'made_elsewhere', template_status: 3 })]);
  });
});

describe('the 24-hour rule', () => {
  it('refuses a free-form message when the window is known closed (850), and sends once the customer writes', async () => {
    const meta = g.t.gateway.storage.stores.meta;
    await meta.touchContact(channelId, CUSTOMER, Date.now() - 25 * 3600_000);
    const refused = await push({ globalmessage: 'hello again', data: [{ number: CUSTOMER }] });
    expect(refused).toMatchObject({ status: 850, message: 'Outside The 24 Hour Window, Send A Template' });
    expect(graph.sent('/messages')).toHaveLength(0);
    await customerWrites('wamid.BACK');
    await waitUntil(async () => ((await meta.lastInboundAt(channelId, CUSTOMER)) ?? 0) > Date.now() - 3600_000);
    expect((await push({ globalmessage: 'hello again', data: [{ number: CUSTOMER }] })).status).toBe(100);
  });

  it("maps Graph's re-engagement error (131047) when the window was not known", async () => {
    graph.failNext('/messages', { httpStatus: 400, code: 131047, message: 'Re-engagement message' });
    const answer = await push({ globalmessage: 'hi stranger', data: [{ number: '447700900999' }] });
    expect(answer.status).toBe(100);
    await waitUntil(async () => (await g.t.gateway.services.messages.get(Number(answer.data[0].msg_id)))?.state === 'refunded');
    expect((await g.t.gateway.services.messages.get(Number(answer.data[0].msg_id)))!.lastError).toContain('only templates');
  });
});

describe('routing and pacing', () => {
  it('answers 404 on applications 5, 8 and 121 without a channel for them, as before', async () => {
    // The project has a 101 channel only.
    for (const application of [5, 8, 121]) {
      const data = application === 5 ? [{ messenger_id: '123456' }] : [{ number: CUSTOMER }];
      expect((await g.t.post('push', { token: g.t.apiToken, application, globalmessage: 'x', data })).status).toBe(404);
    }
  });

  it('routes by channel id and paces a channel to its messages_per_second', async () => {
    const created = await g.t.post('pm/create-channel', { token: g.t.masterToken, project_id: g.t.projectId, application: 121, phone_number_id: '200000000000001', waba_id: WABA_ID, access_token: ACCESS_TOKEN, app_secret: APP_SECRET, verify_token: 'second', messages_per_second: 5 });
    expect(created).toMatchObject({ status: 100, application: 121, settings: { messages_per_second: 5 } });
    const data = Array.from({ length: 6 }, (_, i) => ({ number: String(447700900100 + i) }));
    expect((await g.t.post('push', { token: g.t.apiToken, application: Number(created.channel_id), template_id: 'x', data })).status).toBe(804);
    graph.templates.push({ id: '555', name: 'paced', language: 'en', category: 'UTILITY', status: 'APPROVED', components: [{ type: 'BODY', text: 'Hi' }] });
    await g.t.gateway.meta.templates.sync();
    expect((await g.t.post('push', { token: g.t.apiToken, application: Number(created.channel_id), template_id: 'paced', data })).status).toBe(100);
    const sends = await graph.waitForRequests('/200000000000001/messages', 6);
    expect(sends.every((request) => request.body.template.name === 'paced')).toBe(true);
    // Five gaps of 200 ms at least between the first and the last call (a slow machine only adds to it).
    const arrivals = graph.requests.filter((request) => request.path.endsWith('/200000000000001/messages')).map((request) => request.at);
    expect(arrivals[5]! - arrivals[0]!).toBeGreaterThanOrEqual(900);
  });

  it('deletes a Meta channel: queued messages cancelled and refunded, its credentials erased, its webhooks refused', async () => {
    const slow = await g.t.post('pm/create-channel', { token: g.t.masterToken, project_id: g.t.projectId, application: 8, phone_number_id: '300000000000001', waba_id: '300000000000002', access_token: ACCESS_TOKEN, app_secret: APP_SECRET, verify_token: 'slow', messages_per_second: 1 });
    const slowId = Number(slow.channel_id);
    await g.t.gateway.storage.stores.meta.touchContact(slowId, CUSTOMER, Date.now());
    const hold = graph.hold('/300000000000001/messages');
    const answer = await g.t.post('push', { token: g.t.apiToken, application: 8, globalmessage: 'queued', data: [{ number: CUSTOMER }, { number: CUSTOMER }, { number: CUSTOMER }] });
    await graph.waitForRequests('/300000000000001/messages', 1);
    const deleted = await g.t.post('pm/delete-channel', { token: g.t.masterToken, project_id: g.t.projectId, channel_id: slowId });
    hold.release();
    // One message was with Graph (paced at 1 a second), two waited: those are cancelled and refunded.
    expect(deleted).toMatchObject({ status: 100, channel_status: 'deleted', messages_cancelled: 2 });
    expect(await g.t.gateway.storage.stores.meta.findAccount(slowId)).toBeUndefined();
    const states = await Promise.all(answer.data.map(async (item: any) => (await g.t.gateway.services.messages.get(Number(item.msg_id)))!.state));
    expect(states.filter((state) => state === 'refunded')).toHaveLength(2);
    expect((await g.t.post('push', { token: g.t.apiToken, application: 8, globalmessage: 'after', data: [{ number: CUSTOMER }] })).status).toBe(404);
    const late = cloudWebhook('300000000000002', '300000000000001', 'messages', inboundChange(CUSTOMER, 'Asha', { id: 'wamid.LATE', type: 'text', text: { body: 'late' } }));
    expect((await webhook(late)).status).toBe(401);
  });

  it('deleting the project removes its Meta channel: credentials erased, its webhooks refused', async () => {
    expect(await g.t.gateway.storage.stores.meta.findAccount(channelId)).toBeDefined();
    expect(await g.t.post('pm/delete-project', { token: g.t.masterToken, project_id: g.t.projectId })).toMatchObject({ status: 100, project_status: 'Delete' });
    expect(await g.t.gateway.storage.stores.meta.findAccount(channelId)).toBeUndefined();
    expect((await g.t.gateway.storage.stores.channels.findById(channelId))!.status).toBe('deleted');
    const late = cloudWebhook(WABA_ID, PHONE_NUMBER_ID, 'messages', inboundChange(CUSTOMER, 'Asha', { id: 'wamid.AFTER', type: 'text', text: { body: 'after' } }));
    expect((await webhook(late)).status).toBe(401);
  });
});
