// The device protocol against a listening gateway, with devices that speak it by hand: the handshake,
// message reports, inbound messages, resume, and bad frames that must never hurt the gateway.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectRawDevice, hello, type RawDevice } from './support/raw-device.js';
import { startListeningGateway, type ListeningGateway } from './support/listening-gateway.js';
import type { TestGateway } from './support/test-gateway.js';

let g: ListeningGateway;
let t: TestGateway;
let url: string;
let licenseKey: string;

beforeEach(async () => {
  g = await startListeningGateway();
  ({ t, url, licenseKey } = g);
});
afterEach(() => g.close());

async function device(): Promise<RawDevice> {
  const connected = await connectRawDevice(url);
  g.track(() => connected.close());
  return connected;
}

async function paired(deviceId = 'phone-1', extra: Record<string, unknown> = {}): Promise<RawDevice> {
  const phone = await device();
  phone.send(hello(licenseKey, deviceId, extra));
  await phone.next('welcome');
  return phone;
}

const push = (body: Record<string, unknown>) => t.post('push', { token: t.apiToken, application: 1, ...body });
const stateOf = async (msgId: string) => (await t.gateway.services.messages.get(Number(msgId)))!.state;
async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('handshake', () => {
  it('welcomes a device with a good license key and lets it reconnect with its token', async () => {
    const phone = await device();
    phone.send(hello(licenseKey, 'phone-1', { delay_ms: 2500 }));
    const welcome = await phone.next('welcome');
    expect(welcome).toMatchObject({ v: 1, device_id: 'phone-1', project_id: String(t.projectId), delay_ms: 2500, heartbeat_ms: 30000, message_queue_paused: false });
    await phone.close();
    const again = await device();
    again.send({ ...hello('', 'phone-1'), license_key: undefined, device_token: welcome.device_token });
    expect(await again.next('welcome')).toMatchObject({ device_id: 'phone-1' });
  });

  it.each([
    [{ license_key: 'wrong' }, 'bad_license'],
    [{ v: 3 }, 'unsupported_version'],
    [{ license_key: undefined }, 'bad_hello'],
    [{ license_key: undefined, device_token: 'not-a-token' }, 'bad_license'],
  ])('refuses hello %j with %s and closes', async (change, reason) => {
    const phone = await device();
    phone.send({ ...hello(licenseKey, 'phone-x'), ...change });
    expect(await phone.next('refused')).toMatchObject({ reason });
    expect((await phone.closed).code).toBe(1008);
  });

  it('refuses devices of a project that is not active', async () => {
    await t.post('pm/delete-project', { token: t.masterToken, project_id: t.projectId });
    const phone = await device();
    phone.send(hello(licenseKey, 'phone-1'));
    expect(await phone.next('refused')).toMatchObject({ reason: 'project_not_active' });
  });

  it('replaces an older connection of the same device', async () => {
    const first = await paired('phone-1');
    await paired('phone-1');
    expect(await first.next('refused')).toMatchObject({ reason: 'replaced' });
  });
});

describe('bad frames', () => {
  it('answers each with an error frame and keeps the session and other devices working', async () => {
    const bystander = await paired('phone-2', { applications: [3] });
    const phone = await device();
    phone.send({ type: 'status', battery: 50 });
    expect(await phone.next('error')).toMatchObject({ reason: 'not_ready' });
    phone.send(hello(licenseKey, 'phone-1'));
    await phone.next('welcome');
    const bad: [string | Buffer, string][] = [
      ['{not json', 'invalid_json'],
      ['[1,2]', 'invalid_frame'],
      [JSON.stringify({ type: 'teleport' }), 'unknown_type'],
      [JSON.stringify({ type: 'status', battery: 500 }), 'invalid_frame'],
      [JSON.stringify({ type: 'sent', msg_id: 'abc' }), 'invalid_frame'],
      [JSON.stringify({ type: 'sent', msg_id: '99999999999999999999' }), 'invalid_frame'],
      [JSON.stringify({ type: 'ack', msg_id: '1', extra: true }), 'invalid_frame'],
      [JSON.stringify({ type: 'inbound', id: 'nul', application: 1, number: '1', msg_type: 1, text: 'a\u0000b' }), 'invalid_frame'],
      [JSON.stringify({ type: 'inbound', id: 'far', application: 1, number: '1', msg_type: 1, at: 1e30 }), 'invalid_frame'],
      [JSON.stringify({ type: 'status', internet: 'x'.repeat(300_000) }), 'too_large'],
      [JSON.stringify({ type: 'sent', msg_id: '999999' }), 'unknown_message'],
      [JSON.stringify(hello(licenseKey, 'phone-1')), 'invalid_frame'],
      [`{"type":"status","internet":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`, 'invalid_frame'],
      [`{"type":"inbound","id":"x","application":1,"number":"1","msg_type":1,"extra":${'['.repeat(20_000)}${']'.repeat(20_000)}}`, 'invalid_frame'],
    ];
    for (const [data, reason] of bad) {
      phone.sendRaw(data);
      expect(await phone.next('error'), String(data).slice(0, 40)).toMatchObject({ reason });
    }
    phone.send({ type: 'status', battery: 42 });
    const sms = await push({ application: 3, globalmessage: 'still fine', data: [{ number: '15550001111' }] });
    expect((await bystander.next('send')).msg_id).toBe(sms.data[0].msg_id);
    const report = await t.post('device-status', { token: t.apiToken });
    expect(report.devices.find((d: { device_id: string }) => d.device_id === 'phone-1').battery_percentage).toBe('42');
  });
});

describe('a flooding device', () => {
  it('is disconnected, and the gateway keeps serving others', async () => {
    const calm = await paired('calm-phone', { applications: [3] });
    const flood = await paired('flood-phone');
    const frame = JSON.stringify({ type: 'sent', msg_id: '424242' });
    const count = 20_000;
    for (let index = 0; index < count; index += 1) flood.sendRaw(frame);
    const answer = await push({ application: 3, globalmessage: 'still here', data: [{ number: '15550001111' }] });
    expect((await calm.next('send', 10_000)).msg_id).toBe(answer.data[0].msg_id);
    // Cut off for its refused frames (1008), or for falling 2 000 frames behind (terminated: 1006).
    expect([1006, 1008]).toContain((await flood.closed).code);
    expect(flood.frames.filter((f) => f.type === 'error').length).toBeLessThan(count);
  });
});

describe('messages', () => {
  it('hands a pushed message to the device and follows its reports to delivered', async () => {
    const phone = await paired();
    const answer = await push({ globalmessage: 'Hello phone', data: [{ number: '15550001111' }] });
    const frame = await phone.next('send');
    expect(frame).toMatchObject({ msg_id: answer.data[0].msg_id, application: 1, number: '15550001111', kind: 'text', text: 'Hello phone', priority: 0 });
    expect(await stateOf(frame.msg_id)).toBe('sending');
    phone.send({ type: 'ack', msg_id: frame.msg_id });
    phone.send({ type: 'sent', msg_id: frame.msg_id });
    phone.send({ type: 'delivered', msg_id: frame.msg_id });
    await until(async () => (await stateOf(frame.msg_id)) === 'delivered');
    // Each report is acknowledged once committed, so the device may forget it.
    expect(await phone.next('report_ack')).toEqual({ type: 'report_ack', msg_id: frame.msg_id, report: 'sent' });
    expect(await phone.next('report_ack')).toEqual({ type: 'report_ack', msg_id: frame.msg_id, report: 'delivered' });
    // A report resent after a reconnect is acknowledged again and changes nothing.
    phone.send({ type: 'delivered', msg_id: frame.msg_id });
    expect(await phone.next('report_ack')).toMatchObject({ msg_id: frame.msg_id, report: 'delivered' });
    const report = await t.post('delivery-report', { token: t.apiToken, push_id: answer.push_id });
    expect(report.data[0]).toMatchObject({ status: '1', state: 'delivered' });
  });

  it('puts a retryable failure back in the queue and resends it; a permanent one is refunded', async () => {
    const phone = await paired();
    const answer = await push({ globalmessage: 'x', data: [{ number: '15550001111' }, { number: '15550002222' }] });
    const first = await phone.next('send');
    const second = await phone.next('send');
    const balance = await t.gateway.services.wallet.balance(1);
    phone.send({ type: 'failed', msg_id: first.msg_id, reason: 'no signal', retryable: true });
    expect((await phone.next('send')).msg_id).toBe(first.msg_id);
    phone.send({ type: 'failed', msg_id: second.msg_id, reason: 'not on WhatsApp' });
    await until(async () => (await stateOf(second.msg_id)) === 'refunded');
    expect(await t.gateway.services.wallet.balance(1)).toBe(balance + 5000);
    expect((await t.gateway.services.messages.get(Number(second.msg_id)))!.lastError).toBe('not on WhatsApp');
    expect(answer.status).toBe(100);
  });

  it('appends media to SMS text and serves uploaded media to paired devices only', async () => {
    const phone = await paired();
    await push({ application: 3, globalmessage: 'See', globalmedia: 'https://cdn.example/p.png', data: [{ number: '15550001111' }] });
    expect(await phone.next('send')).toMatchObject({ application: 3, text: 'See\nhttps://cdn.example/p.png', media_url: '' });
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001', 'hex');
    await push({ globalmedia_code: png.toString('base64'), media_name: 'p.png', data: [{ number: '15550001111' }] });
    const frame = await phone.next('send');
    expect(frame).toMatchObject({ kind: 'image', file_name: 'p.png', media_url: expect.stringMatching(/\/bridge\/v1\/media\/\d+$/) });
    const path = new URL(frame.media_url).pathname;
    const welcome = phone.frames.find((f) => f.type === 'welcome')!;
    const ok = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${welcome.device_token}` } });
    expect(Buffer.from(await ok.arrayBuffer())).toEqual(png);
    expect((await fetch(`${url}${path}`)).status).toBe(401);
    // Once the project is deleted its device token opens nothing, as it pairs no more.
    expect((await t.post('pm/delete-project', { token: t.masterToken, project_id: t.projectId })).status).toBe(100);
    const afterDeletion = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${welcome.device_token}` } });
    expect(afterDeletion.status).toBe(401);
    expect(await afterDeletion.json()).toMatchObject({ status: 401, detail: `project ${t.projectId} is not active` });
  });

  it('resends what a device held, with the same msg_id, when it reconnects', async () => {
    const phone = await paired('phone-1');
    await push({ globalmessage: 'held', data: [{ number: '15550001111' }] });
    const frame = await phone.next('send');
    await phone.close();
    const back = await paired('phone-1');
    expect((await back.next('send')).msg_id).toBe(frame.msg_id);
  });

  it('refuses reports about messages the device was never given', async () => {
    const owner = await paired('phone-1');
    const other = await paired('phone-2', { applications: [3] });
    await push({ globalmessage: 'mine', data: [{ number: '15550001111' }] });
    const frame = await owner.next('send');
    other.send({ type: 'sent', msg_id: frame.msg_id });
    expect(await other.next('error')).toMatchObject({ reason: 'unknown_message' });
    expect(await other.next('report_ack')).toMatchObject({ msg_id: frame.msg_id, report: 'sent' });
    expect(await stateOf(frame.msg_id)).toBe('sending');
  });
});

describe('inbound messages', () => {
  it('stores each once, links replies to our message, and acknowledges every copy', async () => {
    const phone = await paired();
    const answer = await push({ globalmessage: 'Question?', data: [{ number: '15550001111' }] });
    const inbound = { type: 'inbound', id: 'dev-1', application: 1, number: '15550001111', name: 'Ann', msg_type: 1, text: 'Answer!', quoted_msg_id: answer.data[0].msg_id };
    phone.send(inbound);
    expect(await phone.next('inbound_ack')).toEqual({ type: 'inbound_ack', id: 'dev-1' });
    phone.send(inbound);
    await phone.next('inbound_ack');
    const stored = await t.gateway.services.inbound.list(t.projectId, 10);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ sender: '15550001111', senderName: 'Ann', text: 'Answer!', type: 1, contextMessageId: Number(answer.data[0].msg_id), application: 1 });
  });

  it('stores a lone surrogate (half an emoji) as one U+FFFD, and refuses a status count no phone has', async () => {
    const phone = await paired();
    // Written by hand: JSON.stringify would escape the lone surrogate the same way, but says so less plainly.
    phone.sendRaw('{"type":"inbound","id":"dev-2","application":1,"number":"15550001111","name":"\\ud83d","msg_type":1,"text":"a\\ud800b \\ud83d\\ude00"}');
    await phone.next('inbound_ack');
    const [stored] = await t.gateway.services.inbound.list(t.projectId, 10);
    expect(stored).toMatchObject({ text: 'a\ufffdb \u{1f600}', senderName: '\ufffd' });
    phone.send({ type: 'status', free_disk_mb: 1e300 });
    expect(await phone.next('error')).toMatchObject({ reason: 'invalid_frame', detail: expect.stringContaining('free_disk_mb') });
  });
});
