// Device protocol version 2 against a listening gateway: batch frames (`sends`, `reports`, `report_acks`)
// for a device that says v 2, single frames as before for one that says v 1, and the reference agent's
// batching and its fallback to version 1 when a gateway refuses version 2.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { BridgeAgent } from '../src/agent/index.js';
import { ReportBatch } from '../src/agent/report-batch.js';
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

async function paired(v: number, deviceId = 'phone-1'): Promise<RawDevice> {
  const phone = await connectRawDevice(url);
  g.track(() => phone.close());
  phone.send(hello(licenseKey, deviceId, { v }));
  expect(await phone.next('welcome')).toMatchObject({ v });
  return phone;
}

const push = (numbers: string[]) => t.post('push', { token: t.apiToken, application: 1, globalmessage: 'Hello', data: numbers.map((number) => ({ number })) });
const stateOf = async (msgId: string) => (await t.gateway.services.messages.get(Number(msgId)))!.state;
async function until(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('version 2 device', () => {
  it('receives the messages of one hand-over in one sends frame, reports them in one reports frame, and gets one report_acks frame', async () => {
    const phone = await paired(2);
    const answer = await push(['15550001111', '15550002222', '15550003333']);
    const ids = answer.data.map((item: { msg_id: string }) => item.msg_id);
    const sends = await phone.next('sends');
    expect(sends.messages.map((message: { msg_id: string }) => message.msg_id)).toEqual(ids);
    expect(sends.messages[0]).toEqual({ msg_id: ids[0], application: 1, number: '15550001111', kind: 'text', text: 'Hello', media_url: '', media_hash: '', file_name: '', priority: 0 });
    expect(phone.frames.some((frame) => frame.type === 'send')).toBe(false);

    phone.send({ type: 'reports', reports: [{ type: 'ack', msg_id: ids[0] }, { type: 'sent', msg_id: ids[0] }, { type: 'delivered', msg_id: ids[1] }, { type: 'failed', msg_id: ids[2], reason: 'not on WhatsApp' }] });
    await until(async () => (await stateOf(ids[0])) === 'submitted' && (await stateOf(ids[1])) === 'delivered' && (await stateOf(ids[2])) === 'refunded');
    const acks: { msg_id: string; report: string }[] = [];
    while (acks.length < 3) acks.push(...(await phone.next('report_acks')).reports);
    expect(acks).toEqual(expect.arrayContaining([{ msg_id: ids[0], report: 'sent' }, { msg_id: ids[1], report: 'delivered' }, { msg_id: ids[2], report: 'failed' }]));
    expect(acks).toHaveLength(3);
    expect(phone.frames.some((frame) => frame.type === 'report_ack')).toBe(false);
  });

  it('refuses a malformed batch with invalid_frame and applies none of it', async () => {
    const phone = await paired(2);
    const answer = await push(['15550001111']);
    const id = answer.data[0].msg_id;
    await phone.next('sends');
    phone.send({ type: 'reports', reports: [{ type: 'sent', msg_id: id }, { type: 'send', msg_id: id }] });
    expect(await phone.next('error')).toMatchObject({ reason: 'invalid_frame' });
    phone.send({ type: 'reports', reports: [] });
    expect(await phone.next('error')).toMatchObject({ reason: 'invalid_frame' });
    expect(await stateOf(id)).toBe('sending');
  });

  it('answers each refused report of a batch, and counts the batch as one refused frame', async () => {
    // What a device sends back from a long time offline: reports on 256 messages since given to another device.
    const phone = await paired(2);
    phone.send({ type: 'reports', reports: Array.from({ length: 256 }, (_, index) => ({ type: 'delivered', msg_id: String(900_000 + index) })) });
    const acks: { msg_id: string }[] = [];
    while (acks.length < 256) acks.push(...(await phone.next('report_acks')).reports);
    expect(phone.frames.filter((frame) => frame.type === 'error' && frame.reason === 'unknown_message')).toHaveLength(256);
    // Still connected, and served.
    const answer = await push(['15550001111']);
    expect((await phone.next('sends')).messages[0].msg_id).toBe(answer.data[0].msg_id);
  });

  it('resends what it held after a reconnect, in a sends frame', async () => {
    const phone = await paired(2);
    const answer = await push(['15550001111']);
    await phone.next('sends');
    await phone.close();
    const back = await paired(2);
    expect((await back.next('sends')).messages[0].msg_id).toBe(answer.data[0].msg_id);
  });
});

describe('version 1 device on the same gateway', () => {
  it('still gets one send frame per message and one report_ack per report', async () => {
    const phone = await paired(1);
    const answer = await push(['15550001111', '15550002222']);
    const first = await phone.next('send');
    const second = await phone.next('send');
    expect([first.msg_id, second.msg_id]).toEqual(answer.data.map((item: { msg_id: string }) => item.msg_id));
    phone.send({ type: 'delivered', msg_id: first.msg_id });
    expect(await phone.next('report_ack')).toEqual({ type: 'report_ack', msg_id: first.msg_id, report: 'delivered' });
    expect(phone.frames.some((frame) => frame.type === 'sends' || frame.type === 'report_acks')).toBe(false);
  });
});

describe('the reference agent', () => {
  it('takes every message of a large push and reports them all delivered', async () => {
    const agent = new BridgeAgent({ serverUrl: url, licenseKey, deviceId: 'agent-1', delayMs: 0 });
    g.track(() => agent.stop());
    await agent.start();
    const answer = await push(Array.from({ length: 300 }, (_, index) => String(15550000000 + index)));
    await until(async () => {
      const states = await Promise.all(answer.data.map((item: { msg_id: string }) => stateOf(item.msg_id)));
      return states.every((state) => state === 'delivered');
    }, 20_000);
    // Every report acknowledged: nothing is kept for resending.
    await until(async () => agent.state.unackedReports === 0);
  });

  it('leaves out of a batch the reports a later one of the same message implies', () => {
    const batch = new ReportBatch();
    batch.add({ type: 'ack', msg_id: '1' });
    batch.add({ type: 'sent', msg_id: '1' });
    batch.add({ type: 'delivered', msg_id: '1' });
    batch.add({ type: 'ack', msg_id: '2' });
    batch.add({ type: 'sent', msg_id: '3' });
    batch.add({ type: 'failed', msg_id: '3', reason: 'x', retryable: false });
    expect(batch.take()).toEqual([{ type: 'reports', reports: [{ type: 'delivered', msg_id: '1' }, { type: 'ack', msg_id: '2' }, { type: 'sent', msg_id: '3' }, { type: 'failed', msg_id: '3', reason: 'x', retryable: false }] }]);
    expect(batch.isEmpty).toBe(true);
  });

  it('says hello again with version 1 to a gateway that refuses version 2, and speaks version 1 there', async () => {
    const server = new WebSocketServer({ port: 0, path: '/bridge/v1' });
    await once(server, 'listening');
    const hellos: number[] = [];
    const received: string[] = [];
    server.on('connection', (socket) => {
      socket.on('message', (data) => {
        const frame = JSON.parse(String(data));
        received.push(frame.type);
        if (frame.type !== 'hello') return;
        hellos.push(frame.v);
        if (frame.v !== 1) {
          socket.send(JSON.stringify({ type: 'refused', reason: 'unsupported_version', detail: 'this gateway speaks version 1' }));
          socket.close(1008, 'unsupported_version');
          return;
        }
        socket.send(JSON.stringify({ type: 'welcome', v: 1, device_id: frame.device_id, device_token: 'tok', project_id: '7', delay_ms: 0, heartbeat_ms: 60_000, message_queue_paused: false, call_queue_paused: false }));
        socket.send(JSON.stringify({ type: 'send', msg_id: '41', application: 1, number: '15550001111', kind: 'text', text: 'Hi', media_url: '', media_hash: '', file_name: '', priority: 0 }));
      });
    });
    g.track(() => new Promise((resolve) => server.close(resolve)));
    const agent = new BridgeAgent({ serverUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, licenseKey: 'lic', deviceId: 'old-gw', delayMs: 0 });
    g.track(() => agent.stop());
    await agent.start();
    await until(async () => received.includes('delivered'));
    expect(hellos).toEqual([2, 1]);
    // Version 1: single report frames, never a batch.
    expect(received).not.toContain('reports');
    expect(received).toEqual(expect.arrayContaining(['ack', 'sent', 'delivered']));
    for (const client of server.clients) client.terminate();
  });
});
