// Devices that say nothing: one that never says hello is refused; one that stops heart-beating is marked
// offline after SWITCHBOARD_DEVICE_OFFLINE_MS, and what it held goes to another device of the project.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitUntil } from './support/agents.js';
import { startListeningGateway, type ListeningGateway } from './support/listening-gateway.js';
import { connectRawDevice, hello, type RawDevice } from './support/raw-device.js';

let g: ListeningGateway;
beforeEach(async () => {
  g = await startListeningGateway({ SWITCHBOARD_DEVICE_OFFLINE_MS: '1000', SWITCHBOARD_DEVICE_HEARTBEAT_MS: '1000', SWITCHBOARD_DEVICE_HELLO_TIMEOUT_MS: '300' });
});
afterEach(() => g.close());

async function paired(deviceId: string): Promise<RawDevice> {
  const device = await connectRawDevice(g.url);
  g.track(() => device.close());
  device.send(hello(g.licenseKey, deviceId));
  await device.next('welcome');
  return device;
}

describe('silent devices', () => {
  it('are refused when they never say hello', async () => {
    const mute = await connectRawDevice(g.url);
    g.track(() => mute.close());
    expect(await mute.next('refused')).toMatchObject({ reason: 'bad_hello', detail: 'no hello within 300 ms' });
    await mute.closed;
  });

  it('are disconnected and marked offline, and their unsent messages go to another device', async () => {
    const silent = await paired('silent-phone');
    const answer = await g.t.post('push', { token: g.t.apiToken, application: 1, globalmessage: 'held', data: [{ number: '15550001111' }] });
    const held = await silent.next('send');
    expect(held.msg_id).toBe(answer.data[0].msg_id);
    // It never answers: no ack, no status. The gateway ends the session after the offline timeout.
    await silent.closed;
    await waitUntil(async () => (await g.t.post('device-status', { token: g.t.apiToken })).connection === 'offline');
    expect(await g.t.post('device-status', { token: g.t.apiToken })).toMatchObject({ device_id: 'silent-phone', connection: 'offline' });

    // A device that keeps heart-beating, as a real one does, receives what the silent one held.
    const rescuer = await paired('rescuer-phone');
    const heartbeat = setInterval(() => rescuer.send({ type: 'status', battery: 90 }), 200);
    g.track(async () => clearInterval(heartbeat));
    const frame = await rescuer.next('send', 10_000);
    expect(frame.msg_id).toBe(held.msg_id);
    rescuer.send({ type: 'delivered', msg_id: frame.msg_id });
    await waitUntil(async () => (await g.t.gateway.services.messages.get(Number(frame.msg_id)))!.state === 'delivered');
  });
});
