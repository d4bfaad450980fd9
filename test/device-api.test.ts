// device-status and device-action for phone automation, and the dispatcher's order, pacing and pause,
// observed from devices connected over a real WebSocket.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectRawDevice, hello, type RawDevice } from './support/raw-device.js';
import { startListeningGateway, type ListeningGateway } from './support/listening-gateway.js';
import { ManualClock, type TestGateway } from './support/test-gateway.js';
import { waitUntil } from './support/agents.js';
import { PickyStatusError, type PushRequest } from '../src/client/index.js';

let g: ListeningGateway;
let t: TestGateway;
let url: string;
let licenseKey: string;

beforeEach(async () => {
  g = await startListeningGateway();
  ({ t, url, licenseKey } = g);
});
afterEach(() => g.close());

async function paired(deviceId = 'phone-1', extra: Record<string, unknown> = {}): Promise<RawDevice> {
  const phone = await connectRawDevice(url);
  g.track(() => phone.close());
  phone.send(hello(licenseKey, deviceId, extra));
  await phone.next('welcome');
  return phone;
}
// Through the typed client: a push these tests make must succeed (a refusal throws PickyStatusError).
const push = (body: Partial<PushRequest>) => t.client.push({ application: 1, data: [], ...body });
const action = (command: string, extra: Record<string, unknown> = {}) => t.post('device-action', { token: t.apiToken, command, ...extra });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('device-status', () => {
  it('answers 504 when no device is paired', async () => {
    const refusal = await t.client.deviceStatus({}).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(PickyStatusError);
    expect(refusal).toMatchObject({ status: 504, answer: { status: 504, message: 'Device Details Not Found' } });
  });

  it('reports the documented fields from the last heartbeat, and the real queue count', async () => {
    const phone = await paired('f5e17b8c81b8ecff', { phone_name: 'Asus ASUS_Z010D', applications: [3] });
    phone.send({ type: 'status', battery: 77, charging: true, wifi: 0, internet: '4G', free_disk_mb: 2048, queue_messages: 0, cloud_registered: true });
    await push({ globalmessage: 'queued for WhatsApp', data: [{ number: '15550001111' }, { number: '15550002222' }] });
    let report: Record<string, any> = {};
    for (let attempt = 0; attempt < 50 && report.battery_percentage !== '77'; attempt += 1) {
      await sleep(20);
      report = await t.client.deviceStatus({});
    }
    expect(report).toMatchObject({
      status: 100,
      message: 'Success',
      project_id: String(t.projectId),
      device_id: 'f5e17b8c81b8ecff',
      phone_name: 'Asus ASUS_Z010D',
      battery_percentage: '77',
      charging_state: 'Charging',
      wifi_signal_strength: 'Not Connected',
      internet_status: '4G',
      message_queue_count: '2',
      call_queue_count: '0',
      free_disk_space: '2048 MB',
      cloud_message_status: 'Registered',
      time: expect.stringMatching(/^\d\d-\d\d-\d{4} \d\d:\d\d (AM|PM)$/),
      connection: 'online',
    });
  });
});

describe('device-action', () => {
  it('refuses unknown commands with 410 and answers 404 when no device is paired', async () => {
    expect(await action('restart')).toMatchObject({ status: 404 });
    await paired();
    expect(await action('self-destruct')).toMatchObject({ status: 410, detail: expect.stringContaining('command must be one of') });
    // Application 10 is the WhatsApp Web session (whatsapp-web-session.test.ts); other numbers reach no device.
    expect(await action('restart', { application: 11 })).toMatchObject({ status: 404 });
  });

  it('forwards restart to the device', async () => {
    const phone = await paired();
    expect(await action('restart')).toMatchObject({ status: 100, devices_reached: 1 });
    expect(await phone.next('command')).toMatchObject({ command: 'restart', command_id: expect.any(String) });
  });

  it('stop-message-queue pauses sending; a new push resumes it, as documented', async () => {
    const phone = await paired();
    await action('stop-message-queue');
    expect(await phone.next('command')).toMatchObject({ command: 'stop-message-queue' });
    await t.gateway.storage.stores.devices.listByProject(t.projectId).then(([device]) => expect(device!.isMessageQueuePaused).toBe(true));
    const answer = await push({ globalmessage: 'wakes the queue', data: [{ number: '15550001111' }] });
    expect((await phone.next('send')).msg_id).toBe(answer.data[0]!.msg_id);
    expect(await phone.next('command')).toMatchObject({ command: 'resume-message-queue' });
  });

  it('delete-message-queue cancels and refunds the queued messages', async () => {
    await push({ globalmessage: 'never sent', data: [{ number: '15550001111' }, { number: '15550002222' }] });
    const phone = await paired('phone-1', { applications: [3] });
    const before = await t.gateway.services.wallet.balance(1);
    expect(await action('delete-message-queue')).toMatchObject({ status: 100, messages_cancelled: 2 });
    expect(await phone.next('command')).toMatchObject({ command: 'delete-message-queue' });
    expect(await t.gateway.services.wallet.balance(1)).toBe(before + 10_000);
    expect(await t.gateway.services.devices.pendingCount(t.projectId)).toBe(0);
  });

  it('reset also cancels what the device held', async () => {
    const phone = await paired();
    await push({ globalmessage: 'held', data: [{ number: '15550001111' }] });
    const frame = await phone.next('send');
    expect(await action('reset')).toMatchObject({ status: 100, messages_cancelled: 1 });
    expect((await t.gateway.services.messages.get(Number(frame.msg_id)))!.state).toBe('refunded');
  });
});

describe('the dispatcher', () => {
  it('sends high priority first, then oldest first', async () => {
    await push({ priority: 0, globalmessage: 'low 1', data: [{ number: '15550001111' }] });
    await push({ priority: 0, globalmessage: 'low 2', data: [{ number: '15550001111' }] });
    await push({ 'priority ': 1, globalmessage: 'high', data: [{ number: '15550001111' }] });
    const phone = await paired();
    const texts = [];
    for (let index = 0; index < 3; index += 1) texts.push((await phone.next('send')).text);
    expect(texts).toEqual(['high', 'low 1', 'low 2']);
  });

  it("honours the device's declared delay between messages", async () => {
    // The gateway's clock is moved by hand: pacing is checked against the time the dispatcher sees, not
    // measured in real time at the device (where network and event-loop jitter blur the gaps).
    await g.close();
    const clock = new ManualClock();
    g = await startListeningGateway({}, { clock });
    ({ t, url, licenseKey } = g);
    const phone = await paired('phone-1', { delay_ms: 400 });
    await push({ globalmessage: 'paced', data: [{ number: '15550001111' }, { number: '15550002222' }, { number: '15550003333' }] });
    const sends = () => phone.frames.filter((frame) => frame.type === 'send').length;
    await waitUntil(() => sends() === 1);
    // The dispatcher's wake-ups come and go in real time, but its clock has not moved: nothing more.
    await sleep(600);
    clock.advance(399);
    await sleep(600);
    expect(sends()).toBe(1);
    clock.advance(1);
    await waitUntil(() => sends() === 2);
    await sleep(600);
    expect(sends()).toBe(2);
    clock.advance(400);
    await waitUntil(() => sends() === 3);
  });

  it('keeps a recipient on one device and spreads recipients over devices', async () => {
    const a = await paired('phone-a');
    const b = await paired('phone-b');
    const numbers = Array.from({ length: 20 }, (_, i) => ({ number: String(15550000000 + i) }));
    await push({ globalmessage: 'one', data: numbers });
    await push({ globalmessage: 'two', data: numbers });
    await sleep(300);
    const byNumber = new Map<string, Set<RawDevice>>();
    for (const device of [a, b]) {
      for (const frame of device.frames.filter((f) => f.type === 'send')) {
        if (!byNumber.has(frame.number)) byNumber.set(frame.number, new Set());
        byNumber.get(frame.number)!.add(device);
      }
    }
    expect(byNumber.size).toBe(20);
    expect([...byNumber.values()].every((set) => set.size === 1)).toBe(true);
    expect(a.frames.some((f) => f.type === 'send') && b.frames.some((f) => f.type === 'send')).toBe(true);
  });
});
