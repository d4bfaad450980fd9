// Pushes handed straight to a connected device that can take them (no queue round): written `sending`
// with the device, sent once committed, with the same timeline as a claim; what the device cannot take
// waits in the queue, in order, and later pushes wait behind it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectRawDevice, hello, type RawDevice } from './support/raw-device.js';
import { startListeningGateway, type ListeningGateway } from './support/listening-gateway.js';
import type { TestGateway } from './support/test-gateway.js';

let g: ListeningGateway;
let t: TestGateway;

beforeEach(async () => {
  // A window of one message, so that a second message must wait for the first one's report.
  g = await startListeningGateway({ SWITCHBOARD_DEVICE_MAX_IN_FLIGHT: '1' });
  t = g.t;
});
afterEach(() => g.close());

async function paired(deviceId: string): Promise<RawDevice> {
  const phone = await connectRawDevice(g.url);
  g.track(() => phone.close());
  phone.send(hello(g.licenseKey, deviceId));
  await phone.next('welcome');
  return phone;
}

const push = async (number: string): Promise<string> => (await t.post('push', { token: t.apiToken, application: 1, globalmessage: `to ${number}`, data: [{ number }] })).data[0].msg_id;
const message = async (msgId: string) => (await t.gateway.services.messages.get(Number(msgId)))!;

describe('direct hand-over', () => {
  it('writes a message a connected device can take already handed to it, with a claim’s timeline', async () => {
    const phone = await paired('phone-1');
    const msgId = await push('15550001111');
    // Answered `100` only after the commit, which already holds the hand-over.
    expect(await message(msgId)).toMatchObject({ state: 'sending', attempts: 1, deviceId: expect.any(Number) });
    expect((await t.gateway.services.messages.timeline(Number(msgId))).map((event) => event.state)).toEqual(['queued', 'sending']);
    expect(await phone.next('send')).toMatchObject({ msg_id: msgId, number: '15550001111' });
    phone.send({ type: 'delivered', msg_id: msgId });
    await phone.next('report_ack');
    expect((await message(msgId)).state).toBe('delivered');
  });

  it('queues what the device has no room for, and sends it and later pushes in order as room frees', async () => {
    const phone = await paired('phone-1');
    const ids = [await push('15550001111'), await push('15550002222'), await push('15550003333')];
    expect((await message(ids[0]!)).state).toBe('sending');
    expect((await message(ids[1]!)).state).toBe('queued');
    expect((await message(ids[2]!)).state).toBe('queued');
    const sent: string[] = [];
    for (let index = 0; index < ids.length; index += 1) {
      const frame = await phone.next('send');
      sent.push(frame.msg_id);
      phone.send({ type: 'sent', msg_id: frame.msg_id });
    }
    expect(sent).toEqual(ids);
  });

  it('leaves in the queue what no connected device carries', async () => {
    const phone = await connectRawDevice(g.url);
    g.track(() => phone.close());
    phone.send(hello(g.licenseKey, 'sms-only', { applications: [3] }));
    await phone.next('welcome');
    const msgId = await push('15550001111');
    expect(await message(msgId)).toMatchObject({ state: 'queued', deviceId: null, attempts: 0 });
  });
});
