// The Push API over HTTP on real storage: every message kind, the three modes, every error code,
// atomicity, the wallet under concurrency, idempotent retries and the delivery report.
import { crc32 } from 'node:zlib';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { officialChannel, webChannel } from './support/test-channels.js';
import { ManualClock, startTestGateway, type TestGateway } from './support/test-gateway.js';

let t: TestGateway;
let clock: ManualClock;
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6300010000050001', 'hex').toString('base64');

/** A zip archive of stored (uncompressed) entries: local headers only, which is all a type detector reads. */
function storedZip(files: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt32LE(crc32(data), 14);
    header.writeUInt32LE(data.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(Buffer.byteLength(name), 26);
    parts.push(header, Buffer.from(name), data);
  }
  return Buffer.concat(parts);
}

const officeTypes = (part: string) =>
  `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/main.xml" ContentType="application/vnd.openxmlformats-officedocument.${part}+xml"/></Types>`;
/** The start of a WebM file: an EBML header whose DocType is "webm". */
const WEBM = Buffer.from('1a45dfa39f4286810142f7810142f2810442f381084282847765626d4287810442858102', 'hex');

async function start(env: Record<string, string> = {}) {
  clock = new ManualClock();
  t = await startTestGateway({ clock, env, channels: [webChannel(), officialChannel()] });
  await t.gateway.services.channels.create(t.projectId, 10, 'WhatsApp Web');
  await t.gateway.services.channels.create(t.projectId, 8, 'Official');
}

const push = (body: Record<string, unknown>, headers?: Record<string, string>) => t.post('push', { token: t.apiToken, ...body }, headers ? { headers } : {});
const messagesOf = (pushId: string | number) => t.gateway.storage.stores.messages.listByPush(Number(pushId));
const balance = () => t.gateway.services.wallet.balance(1);
const count = async (table: string) => Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(t.gateway.storage.db)).rows[0]!.n);

describe('push', () => {
  beforeEach(() => start());
  afterEach(() => t.close());

  it('queues a single message and answers with string ids and its credit', async () => {
    const answer = await push({ application: 1, globalmessage: 'Hello', data: [{ number: '919876543210', reference_number: 'R-1' }] });
    expect(answer).toEqual({ status: 100, push_id: expect.stringMatching(/^\d+$/), message: 'Success', data: [{ msg_id: expect.stringMatching(/^\d+$/), number: '919876543210', credit: '0.005' }] });
    const [message] = await messagesOf(answer.push_id);
    expect(message).toMatchObject({ id: Number(answer.data[0].msg_id), recipient: '919876543210', kind: 'text', text: 'Hello', state: 'queued', priority: 0, credit: 5000, referenceNumber: 'R-1', application: 1 });
    expect(await balance()).toBe(100_000_000 - 5000);
    const [entry] = await t.gateway.services.wallet.entries(1, 1);
    expect(entry).toMatchObject({ kind: 'debit', amount: -5000, reference: `push:${answer.push_id}` });
  });

  it('takes the documented "priority " spelling and numeric strings', async () => {
    const answer = await push({ 'priority ': '1', application: '1', globalmessage: 'x', data: [{ number: 919876543210 }] });
    expect(answer.status).toBe(100);
    expect((await messagesOf(answer.push_id))[0]!.priority).toBe(1);
  });

  it('normalises numbers: +, spaces, dashes and brackets are removed', async () => {
    const answer = await push({ application: 1, globalmessage: 'x', data: [{ number: '+91 (987) 654-3210' }] });
    expect(answer.data[0].number).toBe('919876543210');
  });

  it('resolves bulk (global text), dynamic (per-entry text) and mixed pushes', async () => {
    const bulk = await push({ application: 1, globalmessage: 'All', data: [{ number: '11111111' }, { number: '22222222', message: 'Own' }] });
    expect((await messagesOf(bulk.push_id)).map((m) => m.text)).toEqual(['All', 'Own']);
    const dynamic = await push({ application: 1, globalmessage: '', data: [{ number: '11111111', message: 'A' }, { number: '22222222', message: 'B' }] });
    expect((await messagesOf(dynamic.push_id)).map((m) => m.text)).toEqual(['A', 'B']);
  });

  it('stores every message kind with its content', async () => {
    const cases: [Record<string, unknown>, Record<string, unknown>][] = [
      [{ application: 1, globalmedia: 'https://cdn.example/a/photo.JPG', globalmessage: 'caption' }, { kind: 'image', text: 'caption', mediaUrl: 'https://cdn.example/a/photo.JPG' }],
      [{ application: 1, globalmedia: 'https://cdn.example/v.mp4' }, { kind: 'video' }],
      [{ application: 1, globalmedia: 'https://cdn.example/a.mp3' }, { kind: 'audio' }],
      [{ application: 1, globalmedia: 'https://cdn.example/file?id=3', media_name: 'invoice.pdf' }, { kind: 'document', details: { mediaName: 'invoice.pdf' } }],
      [{ application: 10, globalmedia: 'https://cdn.example/v.ogg', voice: 1 }, { kind: 'voice' }],
      [{ application: 10, globalmedia: 'https://cdn.example/s.webp', sticker: '1' }, { kind: 'sticker' }],
      [{ application: 10, location: { name: 'Office', address: 'Main St 1', lat: '12.97', long: 77.59 } }, { kind: 'location', details: { location: { name: 'Office', address: 'Main St 1', lat: 12.97, long: 77.59 } } }],
      [{ application: 10, contact: [{ first_name: 'Ann', phone: '15550001111', email: 'a@x.example' }] }, { kind: 'contact', details: { contacts: [{ first_name: 'Ann', phone: '15550001111', email: 'a@x.example' }] } }],
      [{ application: 8, template_id: 'order_update', language: 'en', template_header: 'Order', template_globalmessage: ['Ann', 42] }, { kind: 'template', details: { templateId: 'order_update', language: 'en', templateHeader: 'Order', templateValues: ['Ann', '42'] } }],
      [{ application: 10, globalmessage: 'Pick one', interactive_globalbuttons: [{ id: 'y', title: 'Yes' }, 'No'] }, { kind: 'interactive', details: { buttons: [{ id: 'y', title: 'Yes' }, 'No'] } }],
      [{ application: 10, globalmessage: 'Hi', createcontact: 1, action: 'typing' }, { kind: 'text', details: { createContact: true, action: 'typing' } }],
    ];
    for (const [body, expected] of cases) {
      const answer = await push({ ...body, data: [{ number: '15550002222' }] });
      expect(answer.status, JSON.stringify(body)).toBe(100);
      expect((await messagesOf(answer.push_id))[0], JSON.stringify(body)).toMatchObject(expected);
    }
  });

  it('keeps per-recipient fields over global ones', async () => {
    const answer = await push({
      application: 8,
      template_id: 't1',
      language: 'en',
      template_globalmessage: ['global'],
      data: [{ number: '15550002222', template_message: ['own'], language: 'es', quoted: '77', payload: ['p1'], reference_number: 'ref' }, { number: '15550003333' }],
    });
    const [own, global] = await messagesOf(answer.push_id);
    expect(own).toMatchObject({ quoted: '77', referenceNumber: 'ref', details: { templateValues: ['own'], language: 'es', payload: ['p1'] } });
    expect(global).toMatchObject({ details: { templateValues: ['global'], language: 'en' } });
  });

  it('sends a group message to the group with an empty data list', async () => {
    const answer = await push({ application: 10, group_id: '1203630@g.us', globalmessage: 'Hello group' });
    expect(answer.status).toBe(100);
    expect((await messagesOf(answer.push_id))[0]).toMatchObject({ recipient: '1203630@g.us', details: { groupId: '1203630@g.us' } });
  });

  it('stores base64 media once per push, shared by its recipients', async () => {
    const answer = await push({ application: 1, globalmedia_code: PNG, data: [{ number: '11111111' }, { number: '22222222' }, { number: '33333333' }] });
    expect(answer.status).toBe(100);
    const messages = await messagesOf(answer.push_id);
    expect(new Set(messages.map((m) => m.mediaId)).size).toBe(1);
    expect(messages[0]).toMatchObject({ kind: 'image' });
    expect(await count('push_media')).toBe(1);
  });

  it.each([
    ['docx', storedZip({ '[Content_Types].xml': officeTypes('wordprocessingml.document.main'), 'word/document.xml': '<w:document/>' }), 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'document'],
    ['xlsx', storedZip({ '[Content_Types].xml': officeTypes('spreadsheetml.sheet.main'), 'xl/workbook.xml': '<workbook/>' }), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'document'],
    ['zip', storedZip({ 'notes.txt': 'hello' }), 'application/zip', 'document'],
    ['webm', WEBM, 'video/webm', 'video'],
  ])('types an uploaded %s from its content', async (_name, bytes, mime, kind) => {
    const answer = await push({ application: 10, globalmedia_code: bytes.toString('base64'), data: [{ number: '11111111' }] });
    expect(answer.status).toBe(100);
    const [message] = await messagesOf(answer.push_id);
    expect(message!.kind).toBe(kind);
    expect((await t.gateway.storage.stores.pushes.findMedia(message!.mediaId!, false))!.mime).toBe(mime);
  });

  it('carries media to SMS as a URL but refuses uploaded media there', async () => {
    expect((await push({ application: 3, globalmessage: 'See', globalmedia: 'https://cdn.example/a.png', data: [{ number: '11111111' }] })).status).toBe(100);
    const refused = await push({ application: 3, globalmedia_code: PNG, data: [{ number: '11111111' }] });
    expect(refused).toMatchObject({ status: 410, detail: expect.stringContaining('uploaded media') });
  });

  it('answers 410 to bodies nested deeper than any endpoint needs, without overflowing', async () => {
    const deep = '{"a":'.repeat(50_000) + '1' + '}'.repeat(50_000);
    for (const payload of [deep, `{"token":"${t.apiToken}","application":1,"interactive_globalbuttons":[${deep}],"data":[{"number":"15550001111"}]}`]) {
      const response = await t.inject({ method: 'POST', url: '/api/v2/push', headers: { 'content-type': 'application/json' }, payload });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ status: 410, detail: 'body is nested deeper than 32 levels' });
    }
  });

  it('answers a large push with one id per recipient', async () => {
    const data = Array.from({ length: 2000 }, (_, index) => ({ number: String(15550000000 + index) }));
    const answer = await push({ application: 1, globalmessage: 'Bulk', data });
    expect(answer.data).toHaveLength(2000);
    expect(new Set(answer.data.map((entry: { msg_id: string }) => entry.msg_id)).size).toBe(2000);
    expect(await count('messages')).toBe(2000);
    expect(await balance()).toBe(100_000_000 - 2000 * 5000);
  });
});

describe('push refusals', () => {
  beforeEach(() => start({ SWITCHBOARD_MAX_RECIPIENTS: '5' }));
  afterEach(() => t.close());

  const base = { application: 1, globalmessage: 'x', data: [{ number: '15550001111' }] };
  it.each([
    [{ ...base, data: undefined }, 402, 'Empty Number List', 'data is empty'],
    [{ ...base, data: [] }, 402, 'Empty Number List', 'data is empty'],
    [{ ...base, data: [{ number: '15550001111' }, { number: '15550001112' }, { number: '0123456789' }] }, 406, 'Invalid Mobile Number', "data[2].number '0123456789'"],
    [{ ...base, data: [{ number: '1234' }] }, 406, 'Invalid Mobile Number', "data[0].number '1234'"],
    [{ ...base, data: [{ number: '1234567890123456' }] }, 406, 'Invalid Mobile Number', 'data[0].number'],
    [{ ...base, data: [{ number: '12345abc' }] }, 406, 'Invalid Mobile Number', 'data[0].number'],
    [{ ...base, data: [{}] }, 406, 'Invalid Mobile Number', 'data[0].number missing'],
    [{ ...base, globalmessage: '' }, 407, 'Message cannot be empty', 'data[0] has no text'],
    [{ ...base, application: 'one' }, 410, 'Invalid Request', 'application must be a whole number'],
    [{ ...base, application: 7 }, 410, 'Invalid Request', 'application 7 is neither a known application nor a channel of this project'],
    [{ ...base, priority: 2 }, 410, 'Invalid Request', 'priority must be 0 (low) or 1 (high)'],
    [{ ...base, globalmessage: 'x'.repeat(4097) }, 410, 'Invalid Request', 'globalmessage is longer than 4096 characters'],
    [{ ...base, data: [{ number: '15550001111', message: 'y'.repeat(4097) }] }, 410, 'Invalid Request', 'data[0].message is longer than 4096'],
    [{ ...base, globalmedia: 'https://x.example/a.pdf', media_name: 'n'.repeat(21) }, 410, 'Invalid Request', 'media_name is longer than 20'],
    [{ ...base, application: 8, template_id: 't', template_header: 'h'.repeat(61) }, 410, 'Invalid Request', 'template_header is longer than 60'],
    [{ ...base, globalmedia_code: 'not base64!' }, 410, 'Invalid Request', 'globalmedia_code is not valid base64'],
    [{ ...base, globalmedia: 'ftp://x.example/a.png' }, 410, 'Invalid Request', 'globalmedia must be an http or https URL'],
    [{ ...base, application: 10, location: { lat: 100, long: 0 } }, 410, 'Invalid Request', 'location.lat must be a number from -90 to 90'],
    [{ ...base, data: 'nope' }, 410, 'Invalid Request', 'data must be an array'],
    [{ ...base, data: ['15550001111'] }, 410, 'Invalid Request', 'data[0] must be an object'],
    [{ ...base, data: Array.from({ length: 6 }, () => ({ number: '15550001111' })) }, 410, 'Invalid Request', 'more than 5 recipients'],
    [{ ...base, application: 1, location: { lat: 1, long: 2 } }, 410, 'Invalid Request', 'application 1 cannot carry location messages'],
    [{ ...base, application: 2, contact: [{ first_name: 'A' }] }, 410, 'Invalid Request', 'application 2 cannot carry contact messages'],
    [{ ...base, application: 1, template_id: 'welcome' }, 410, 'Invalid Request', 'cannot carry templates'],
    [{ ...base, application: 1, voice: 1 }, 410, 'Invalid Request', 'cannot carry voice notes'],
    [{ ...base, application: 8, group_id: 'g1' }, 410, 'Invalid Request', 'cannot carry group messages'],
    [{ ...base, application: 5, data: [{ messenger_id: '123' }] }, 404, 'Unable to Communicate with Your Phone !', 'no channel that can carry application 5'],
    [{ ...base, application: 101 }, 404, 'Unable to Communicate with Your Phone !', 'application 101'],
  ])('refuses %j with %i', async (body, status, message, detail) => {
    const before = await balance();
    const answer = await push(body as Record<string, unknown>);
    expect(answer).toMatchObject({ status, message, detail: expect.stringContaining(detail) });
    expect(await count('messages')).toBe(0);
    expect(await count('pushes')).toBe(0);
    expect(await balance()).toBe(before);
  });

  it('answers 405 when the plan does not include the application', async () => {
    const official = await t.post('pm/create-project', { token: t.masterToken, project_name: 'Official', service: 2, billing_plan: 7, generate_api_token: true });
    const answer = await t.post('push', { token: official.api_tokens[0].token, ...base });
    expect(answer).toMatchObject({ status: 405, message: 'API Is Not Active For This Plan', detail: 'billing plan 7 does not include application 1' });
  });

  it('routes by a channel id when the project names one', async () => {
    const second = await t.gateway.services.channels.create(t.projectId, 10, 'Second number');
    const answer = await push({ ...base, application: second.id });
    expect(answer.status).toBe(100);
    expect((await messagesOf(answer.push_id))[0]).toMatchObject({ channelId: second.id, application: 10 });
  });

  it('answers 403 and writes nothing when the wallet cannot pay', async () => {
    const data = Array.from({ length: 5 }, (_, i) => ({ number: String(15550000000 + i) }));
    await t.gateway.services.wallet.debit({ accountId: 1, amount: (await balance()) - 20_000, reason: 'test', reference: 'drain' }, t.gateway.storage.stores);
    expect(await push({ ...base, data })).toMatchObject({ status: 403, message: 'Insufficient Balance', detail: 'the push costs 0.025 credits' });
    expect(await count('messages')).toBe(0);
    expect(await balance()).toBe(20_000);
  });
});

describe('wallet under concurrent pushes', () => {
  beforeEach(() => start({ SWITCHBOARD_MESSAGE_PRICES: '1=1', SWITCHBOARD_INITIAL_CREDITS: '10' }));
  afterEach(() => t.close());

  it('never overdraws: exactly as many pushes land as the balance pays for', async () => {
    const answers = await Promise.all(Array.from({ length: 30 }, () => push({ application: 1, globalmessage: 'x', data: [{ number: '15550001111' }] })));
    expect(answers.filter((a) => a.status === 100)).toHaveLength(10);
    expect(answers.filter((a) => a.status === 403)).toHaveLength(20);
    expect(await balance()).toBe(0);
    expect(await count('messages')).toBe(10);
    const entries = await t.gateway.services.wallet.entries(1, 100);
    expect(entries.filter((e) => e.kind === 'debit').map((e) => e.balanceAfter).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i * 1_000_000));
  });
});

describe('push batches', () => {
  // Small batches, so that 40 pushes arriving together make several.
  beforeEach(() => start({ SWITCHBOARD_MESSAGE_PRICES: '1=1', SWITCHBOARD_INITIAL_CREDITS: '10', SWITCHBOARD_WRITE_BATCH_MESSAGES: '5' }));
  afterEach(() => t.close());

  it('are written one at a time, on PostgreSQL too: they all lock the one wallet', async () => {
    const store = t.gateway.storage.stores.pushes;
    const writeBatch = store.writeBatch.bind(store);
    let inFlight = 0;
    let mostInFlight = 0;
    let batches = 0;
    store.writeBatch = async (drafts, cutoff) => {
      batches += 1;
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      try {
        return await writeBatch(drafts, cutoff);
      } finally {
        inFlight -= 1;
      }
    };
    const answers = await Promise.all(Array.from({ length: 40 }, (_, index) => push({ application: 1, globalmessage: `m${index}`, data: [{ number: '15550001111' }] })));
    expect(answers.filter((a) => a.status === 100)).toHaveLength(10);
    expect(batches).toBeGreaterThan(1);
    expect(mostInFlight).toBe(1);
  });
});

describe('idempotent retries', () => {
  beforeEach(() => start());
  afterEach(() => t.close());
  const body = { application: 1, globalmessage: 'Once', data: [{ number: '15550001111' }] };

  it('answers a retried key with the first response, queuing and charging once', async () => {
    const first = await push(body, { 'idempotency-key': 'order-1' });
    const second = await push(body, { 'idempotency-key': 'order-1' });
    expect(second).toEqual(first);
    expect(await count('messages')).toBe(1);
    expect(await balance()).toBe(100_000_000 - 5000);
    const other = await push(body, { 'idempotency-key': 'order-2' });
    expect(other.push_id).not.toBe(first.push_id);
  });

  it('takes the key from an idempotency_key field and holds under concurrent retries', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => push({ ...body, idempotency_key: 'burst' })));
    expect(new Set(answers.map((a) => a.push_id)).size).toBe(1);
    expect(answers.every((a) => a.status === 100)).toBe(true);
    expect(await count('messages')).toBe(1);
  });

  it('forgets a key after its time to live', async () => {
    const first = await push(body, { 'idempotency-key': 'k' });
    clock.advance(86_400_001);
    const later = await push(body, { 'idempotency-key': 'k' });
    expect(later.push_id).not.toBe(first.push_id);
    expect(await count('messages')).toBe(2);
  });

  it('does not remember refused pushes', async () => {
    expect((await push({ ...body, globalmessage: '' }, { 'idempotency-key': 'fix-me' })).status).toBe(407);
    expect((await push(body, { 'idempotency-key': 'fix-me' })).status).toBe(100);
  });
});

describe('delivery-report', () => {
  beforeEach(() => start());
  afterEach(() => t.close());

  it('reports each message with its status, in the project time zone and format', async () => {
    await t.post('pm/create-project', { token: t.masterToken, project_name: 'x' });
    const answer = await push({ application: 1, globalmedia: 'https://cdn.example/p.png', data: [{ number: '11111111', reference_number: 'A' }, { number: '22222222' }] });
    const [first, second] = answer.data.map((entry: { msg_id: string }) => Number(entry.msg_id));
    await t.gateway.services.messages.move(first, 'sending');
    await t.gateway.services.messages.move(first, 'submitted');
    await t.gateway.services.messages.move(first, 'delivered');
    await t.gateway.services.messages.move(second, 'cancelled', 'cancelled by test');
    const report = await t.post('delivery-report', { token: t.apiToken, push_id: answer.push_id });
    expect(report).toEqual({
      status: 100,
      message: 'Success',
      project_id: String(t.projectId),
      push_id: Number(answer.push_id),
      application: '1',
      message_type: '1',
      time: '15-01-2026 10:00 AM',
      data: [
        { number: '11111111', msg_id: String(first), status: '1', error_code: '', state: 'delivered', reference_number: 'A' },
        { number: '22222222', msg_id: String(second), status: '2', error_code: 'cancelled by test', state: 'refunded', reference_number: '' },
      ],
    });
  });

  it('answers 410 to ids no database can hold, on both dialects', async () => {
    for (const pushId of [1e20, '99999999999999999999', 0, -1, 1.5]) {
      expect(await t.post('delivery-report', { token: t.apiToken, push_id: pushId }), String(pushId)).toMatchObject({ status: 410, detail: expect.stringContaining('push_id') });
    }
    expect(await t.post('pm/get-projects', { token: t.masterToken, project_id: 1e20 })).toMatchObject({ status: 410, detail: expect.stringContaining('project_id') });
    expect(await t.post('pm/change-billing', { token: t.masterToken, project_id: 1, service: 1, plan_id: 1e30 })).toMatchObject({ status: 410, detail: expect.stringContaining('plan_id') });
  });

  it('answers 503 for an unknown push and for a push of another project', async () => {
    expect(await t.post('delivery-report', { token: t.apiToken, push_id: 999 })).toMatchObject({ status: 503, message: 'Invalid PushId' });
    const other = await t.post('pm/create-project', { token: t.masterToken, project_name: 'Other', generate_api_token: true });
    const answer = await push({ application: 1, globalmessage: 'x', data: [{ number: '11111111' }] });
    expect(await t.post('delivery-report', { token: other.api_tokens[0].token, push_id: answer.push_id })).toMatchObject({ status: 503 });
  });
});

describe('push rate limit', () => {
  beforeEach(() => start({ SWITCHBOARD_PUSH_RATE_LIMIT: '2' }));
  afterEach(() => t.close());

  it('answers HTTP 429 beyond the per-project limit, until the minute is over', async () => {
    const body = { token: t.apiToken, application: 1, globalmessage: 'x', data: [{ number: '11111111' }] };
    expect((await push(body)).status).toBe(100);
    expect((await push(body)).status).toBe(100);
    const limited = await t.inject({ method: 'POST', url: '/api/v2/push', payload: body });
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toMatchObject({ status: 429, message: 'Too Many Requests' });
    clock.advance(60_000);
    expect((await push(body)).status).toBe(100);
  });

  it('counts conference requests against the same limit', async () => {
    const body = { token: t.apiToken, application: 1, globalmessage: 'x', data: [{ number: '11111111' }] };
    const conference = { token: t.apiToken, application: 4, data: [{ number: '15550001111' }, { number: '15550002222' }] };
    expect((await push(body)).status).toBe(100);
    // No phone carries calls here (404), but the request still counted.
    expect((await t.post('conference-request', conference)).status).toBe(404);
    const limited = await t.inject({ method: 'POST', url: '/api/v2/conference-request', payload: conference });
    expect(limited.statusCode).toBe(429);
    expect((await t.inject({ method: 'POST', url: '/api/v2/push', payload: body })).statusCode).toBe(429);
  });
});
