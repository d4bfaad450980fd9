// Phones running the SMS Gateway for Android app, replayed from the app's own request sequence (see
// test/support/android-app.ts), against a listening gateway on real storage: registration, fetching by
// poll and by server-sent event, state reports to delivery-report and the event webhook, received SMS
// to the global webhook with an instant reply back out, reconnection, a second phone, bad tokens.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AndroidAppReplay, type AppMessage } from './support/android-app.js';
import { waitUntil } from './support/agents.js';
import { startListeningGateway, type ListeningGateway } from './support/listening-gateway.js';
import { answer, startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';
import { ManualClock } from './support/test-gateway.js';

let g: ListeningGateway;
let receiver: WebhookReceiver;
let mobileUrl: string;

beforeEach(async () => {
  g = await startListeningGateway({ SWITCHBOARD_APP_PHONE_DELAY_MS: '0', SWITCHBOARD_WEBHOOK_POLL_MS: '50', SWITCHBOARD_WEBHOOK_BATCH_MS: '50', SWITCHBOARD_DISPATCH_POLL_MS: '50' });
  receiver = await startWebhookReceiver();
  mobileUrl = `${g.url}/api/mobile/v1`;
});
afterEach(async () => {
  await g.close();
  await receiver.close();
});

const push = (body: Record<string, unknown>) => g.t.post('push', { token: g.t.apiToken, application: 3, ...body });
const statesOf = async (pushId: string) => (await g.t.gateway.storage.stores.messages.listByPush(Number(pushId))).map((message) => message.state);
const setWebhooks = (fields: Record<string, unknown>) => g.t.post('pm/set-webhook', { token: g.t.masterToken, project_id: g.t.projectId, ...fields });

async function registeredPhone(name?: string): Promise<AndroidAppReplay> {
  const app = new AndroidAppReplay(mobileUrl, g.licenseKey, '1.40.0', name);
  expect((await app.register()).status).toBe(201);
  await app.start();
  return app;
}

/** Pulls until `count` messages in all have reached the app (a hand-over happens once the push committed). */
async function pullUntil(app: AndroidAppReplay, count: number): Promise<AppMessage[]> {
  const got: AppMessage[] = [];
  await waitUntil(async () => {
    got.push(...(await app.pull()));
    return got.length >= count;
  });
  return got;
}

describe('registration', () => {
  it('takes the license key as private token and answers the app its own id and token', async () => {
    const app = new AndroidAppReplay(mobileUrl, g.licenseKey);
    const registered = await app.register();
    expect(registered.status).toBe(201);
    expect(registered.body).toEqual({ id: expect.stringMatching(/^[A-Za-z0-9_-]{21}$/), token: expect.stringMatching(/^[0-9a-f]{64}$/), login: `project-${g.t.projectId}`, password: expect.any(String) });
    expect(registered.body.password).not.toBe('');
    const device = await app.call('GET', '/device');
    expect(device).toEqual({ status: 200, body: { device: expect.objectContaining({ id: registered.body.id, name: 'Google/sdk_gphone64_x86_64' }), externalIp: '127.0.0.1' } });
    expect(await app.call('PATCH', '/device', { id: registered.body.id, pushToken: '' })).toEqual({ status: 204, body: undefined });
    expect((await app.call('PATCH', '/device', { id: 'someone-else', pushToken: '' })).status).toBe(403);
    expect(await app.call('GET', '/settings')).toEqual({ status: 200, body: {} });
    const status = await g.t.post('device-status', { token: g.t.apiToken });
    expect(status).toMatchObject({ status: 100, device_id: registered.body.id, phone_name: 'Google/sdk_gphone64_x86_64', connection: 'online' });
    const [row] = await g.t.gateway.services.devices.list(g.t.projectId);
    expect(row).toMatchObject({ transport: 'android', applications: [3], appVersion: '1.40.0' });
  });

  it('refuses a wrong or missing private token, and any request without a device token', async () => {
    const wrong = new AndroidAppReplay(mobileUrl, 'not-the-license-key');
    expect(await wrong.register()).toEqual({ status: 401, body: { message: 'unknown private token' } });
    expect((await wrong.call('POST', '/device', { name: 'x' }, undefined)).status).toBe(401);
    expect((await wrong.call('POST', '/device', '[1,2]', g.licenseKey)).status).toBe(400);
    expect(await wrong.call('GET', '/device', undefined, undefined)).toEqual({ status: 200, body: { externalIp: '127.0.0.1' } });
    for (const path of ['/message', '/webhooks', '/settings', '/device']) {
      expect((await wrong.call('GET', path, undefined, 'bogus')).status).toBe(401);
    }
    const events = wrong.openEvents(() => undefined, 'bogus');
    await events.opened;
    expect(events.status).toBe(401);
    events.close();
    // A device token of the app is no bridge credential, and the license key is no device token.
    const app = await registeredPhone();
    expect((await app.call('GET', '/message', undefined, g.licenseKey)).status).toBe(401);
    expect(await g.t.gateway.services.devices.pair({ deviceToken: app.registration!.token, deviceKey: app.registration!.id, phoneName: '', appVersion: '', applications: [3], delayMs: 0, maxCallMembers: 0 }).catch((error: Error) => error.message)).toBe('unknown device token');
  });
});

describe('guessing', () => {
  it('throttles an address that keeps trying private tokens, but not a phone polling with a forgotten token', async () => {
    const app = await registeredPhone();
    const stale = new AndroidAppReplay(mobileUrl, g.licenseKey);
    for (let attempt = 0; attempt < 30; attempt += 1) expect((await stale.call('GET', '/message', undefined, `forgotten-${attempt}`)).status).toBe(401);
    expect((await app.call('GET', '/message')).status).toBe(200);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 21; attempt += 1) statuses.push((await new AndroidAppReplay(mobileUrl, `guess-${attempt}`).register()).status);
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses[20]).toBe(429);
    expect((await app.call('GET', '/message')).status).toBe(429);
  });
});

describe('sending', () => {
  it('hands pushed SMS to a polling phone and carries its reports to delivery-report and the event webhook', async () => {
    await setWebhooks({ event_webhook: `${receiver.url}/events` });
    const app = await registeredPhone();
    const pushed = await push({ globalmessage: 'Your code is 1234', data: [{ number: '15550001111' }, { number: '+1 555 000 2222', reference_number: 'ref-2' }] });
    expect(pushed.status).toBe(100);
    const messages = await pullUntil(app, 2);
    expect(messages.map((message) => message.phoneNumbers)).toEqual(expect.arrayContaining([['+15550001111'], ['+15550002222']]));
    expect(messages[0]).toEqual({
      id: expect.stringMatching(/^\d+$/),
      message: 'Your code is 1234',
      textMessage: { text: 'Your code is 1234' },
      phoneNumbers: expect.any(Array),
      withDeliveryReport: true,
      isEncrypted: false,
      priority: 0,
      state: 'Pending',
      createdAt: expect.any(String),
    });
    const ids = pushed.data.map((row: { msg_id: string }) => row.msg_id);
    expect(messages.map((message) => message.id).sort()).toEqual([...ids].sort());
    await app.sendAll(messages);
    await waitUntil(async () => (await statesOf(pushed.push_id)).every((state) => state === 'delivered'));
    const report = await g.t.post('delivery-report', { token: g.t.apiToken, push_id: pushed.push_id });
    expect(report.data.map((row: { status: string }) => row.status)).toEqual(['1', '1']);
    const timeline = await g.t.gateway.services.messages.timeline(Number(ids[0]));
    expect(timeline.map((event) => event.state)).toEqual(['queued', 'sending', 'submitted', 'delivered']);
    await waitUntil(() => receiver.calls.flatMap((call) => call.fields.data ?? []).length >= 4);
    const items = receiver.calls.flatMap((call) => call.fields.data as { msg_id: string; status: string }[]);
    expect(items.filter((item) => item.msg_id === ids[1]).map((item) => item.status)).toEqual(['4', '1']);
    // Taken messages are not listed again; repeated reports change nothing.
    expect((await app.call('GET', '/message')).body).toEqual([]);
    expect((await app.setState(messages[0]!.id, 'Delivered')).status).toBe(204);
  });

  it('tells a phone listening to its event stream of new work at once, and refunds what fails', async () => {
    await setWebhooks({ event_webhook: `${receiver.url}/events` });
    const app = await registeredPhone();
    const events = app.openEvents();
    g.track(async () => events.close());
    await events.opened;
    expect(events.status).toBe(200);
    const before = (await g.t.post('check-balance', { token: g.t.apiToken })).balance as number;
    const pushed = await push({ globalmessage: 'will fail', data: [{ number: '15550003333' }] });
    await waitUntil(() => events.events.includes('MessageEnqueued'));
    expect((await g.t.post('check-balance', { token: g.t.apiToken })).balance).toBeLessThan(before);
    const [message] = await app.pull();
    expect(message!.id).toBe(pushed.data[0].msg_id);
    await app.setState(message!.id, 'Processed');
    expect((await app.setState(message!.id, 'Failed', 'RESULT_ERROR_NO_SERVICE')).status).toBe(204);
    await waitUntil(async () => (await statesOf(pushed.push_id))[0] === 'refunded');
    const stored = await g.t.gateway.services.messages.get(Number(message!.id));
    expect(stored!.lastError).toBe('RESULT_ERROR_NO_SERVICE');
    await waitUntil(() => receiver.calls.flatMap((call) => call.fields.data ?? []).length >= 2);
    expect(receiver.calls.flatMap((call) => call.fields.data as { status: string }[]).map((item) => item.status)).toEqual(['2', '5']);
    expect((await g.t.post('check-balance', { token: g.t.apiToken })).balance).toBe(before);
  });

  it('chooses the SIM when the push asks for one through action', async () => {
    const app = await registeredPhone();
    await push({ globalmessage: 'from sim 2', action: 'sim2', data: [{ number: '15550004444' }] });
    const [message] = await pullUntil(app, 1);
    expect(message).toMatchObject({ simNumber: 2, message: 'from sim 2' });
  });

  it('refuses malformed state reports whole with 400, and skips reports on messages that are not the phone\'s', async () => {
    const app = await registeredPhone();
    expect((await app.call('PATCH', '/message', { id: '1' })).status).toBe(400);
    expect((await app.call('PATCH', '/message', [{ id: '1', state: 'Lost', recipients: [{ phoneNumber: '+1', state: 'Sent' }] }])).status).toBe(400);
    expect((await app.call('PATCH', '/message', [{ id: '1', state: 'Sent', recipients: [] }])).status).toBe(400);
    expect((await app.call('PATCH', '/message', [{ id: '999999', state: 'Sent', recipients: [{ phoneNumber: '+1', state: 'Sent' }] }])).status).toBe(204);
    expect((await app.call('GET', '/message?order=random')).status).toBe(400);
    expect((await app.call('GET', '/message?order=fifo')).status).toBe(200);
    const tooMany = Array.from({ length: 1001 }, () => ({ id: '1', state: 'Sent', recipients: [{ phoneNumber: '+1', state: 'Sent' }] }));
    expect((await app.call('PATCH', '/message', tooMany)).status).toBe(400);
    const notJson = await fetch(`${mobileUrl}/message`, { method: 'PATCH', headers: { authorization: `Bearer ${app.registration!.token}`, 'content-type': 'application/json' }, body: '{"id":' });
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ message: 'the body is not JSON' });
  });
});

describe('receiving', () => {
  it('posts received SMS to the global webhook once, and sends the instant reply back through the phone', async () => {
    await setWebhooks({ global_webhook: `${receiver.url}/inbound` });
    receiver.respond(answer(200, JSON.stringify({ 'message-out': 'Thanks, got it' })));
    const app = await registeredPhone();
    const hooks = await app.call('GET', '/webhooks');
    expect(hooks.body).toEqual([{ id: 'switchboard-sms-received', deviceId: app.registration!.id, url: expect.stringMatching(new RegExp(`^${g.url}/api/mobile/v1/hooks/\\d+/[0-9a-f]{64}$`)), event: 'sms:received' }]);
    expect(await app.receiveSms('+1 (555) 700-0001', 'Hello from a real SIM', 'sms-1')).toBe(204);
    // The app retries a post until it gets a 2xx: the same SMS again is stored once.
    expect(await app.receiveSms('+1 (555) 700-0001', 'Hello from a real SIM', 'sms-1')).toBe(204);
    const [call] = await receiver.waitForCalls(1);
    expect(call!.fields).toMatchObject({ number: '15557000001', message_in_raw: 'Hello from a real SIM', application: 3, type: 1, 'project-id': String(g.t.projectId) });
    const [reply] = await pullUntil(app, 1);
    expect(reply).toMatchObject({ message: 'Thanks, got it', phoneNumbers: ['+15557000001'] });
    expect(await g.t.gateway.services.inbound.list(g.t.projectId, 10)).toHaveLength(1);
    // Events other than received SMS are acknowledged and ignored; a wrong secret is refused.
    const ping = await fetch(app.registration ? hooks.body[0].url : '', { method: 'POST', body: JSON.stringify({ event: 'system:ping', deviceId: app.registration!.id, payload: {} }) });
    expect(ping.status).toBe(204);
    const forged = await fetch(hooks.body[0].url.replace(/[0-9a-f]{64}$/, '0'.repeat(64)), { method: 'POST', body: '{}' });
    expect(forged.status).toBe(401);
    const malformed = await fetch(hooks.body[0].url, { method: 'POST', body: JSON.stringify({ event: 'sms:received', payload: { phoneNumber: '' } }) });
    expect(malformed.status).toBe(400);
  });
});

describe('what a phone sends', () => {
  it('drops the NUL character from a device name and a received SMS instead of failing their writes', async () => {
    await setWebhooks({ global_webhook: `${receiver.url}/inbound` });
    const app = await registeredPhone('Pixel\u0000 8');
    expect((await app.call('GET', '/device')).body.device.name).toBe('Pixel 8');
    const hooks = await app.call('GET', '/webhooks');
    expect(hooks.body).toHaveLength(1);
    expect(await app.receiveSms('+1 (555) 700-0002', 'hel\u0000lo', 'sms-nul')).toBe(204);
    const [call] = await receiver.waitForCalls(1);
    expect(call!.fields).toMatchObject({ number: '15557000002', message_in_raw: 'hello' });
  });
});

describe('presence, commands and several phones', () => {
  it('keeps an open event stream alive with comments', async () => {
    const own = await startListeningGateway({ SWITCHBOARD_APP_PHONE_DELAY_MS: '0', SWITCHBOARD_DEVICE_HEARTBEAT_MS: '1000' });
    const app = new AndroidAppReplay(`${own.url}/api/mobile/v1`, own.licenseKey);
    expect((await app.register()).status).toBe(201);
    const events = app.openEvents();
    g.track(async () => {
      events.close();
      await own.t.test.close().catch(() => undefined);
    });
    await events.opened;
    await waitUntil(() => events.comments.includes(':keepalive'));
    expect(events.comments[0]).toBe(':connected');
    // Told to sync its webhooks on connecting; of new messages only when there are some.
    expect(events.events).toEqual(['WebhooksUpdated']);
    // A stopping gateway ends the stream itself (the app reconnects), rather than holding its stop.
    await own.t.gateway.close();
    await waitUntil(() => events.ended);
  });

  it('gives a phone that only polls nothing once it has been silent too long, and its work as soon as it polls again', async () => {
    await g.close();
    const clock = new ManualClock(Date.now());
    g = await startListeningGateway({ SWITCHBOARD_APP_PHONE_DELAY_MS: '0', SWITCHBOARD_APP_PHONE_PRESENCE_MS: '60000' }, { clock });
    mobileUrl = `${g.url}/api/mobile/v1`;
    const app = await registeredPhone();
    clock.advance(60_001);
    const pushed = await push({ globalmessage: 'waits for the next poll', data: [{ number: '15550007777' }] });
    expect(await statesOf(pushed.push_id)).toEqual(['queued']);
    expect(await g.t.gateway.services.devices.requeueFromSilentDevices(clock.now(), new Set())).toEqual([]);
    const [message] = await pullUntil(app, 1);
    expect(message!.id).toBe(pushed.data[0].msg_id);
    expect(await statesOf(pushed.push_id)).toEqual(['sending']);
  });

  it('resends a message the phone had not taken when it comes back, and never gives it to another phone', async () => {
    const first = await registeredPhone('Phone/one');
    const events = first.openEvents();
    await events.opened;
    const pushed = await push({ globalmessage: 'held', data: [{ number: '15550005555' }] });
    await waitUntil(() => events.events.includes('MessageEnqueued'));
    // The connection drops before the phone fetched anything (the app's SSE reconnects after 5 s).
    events.close();
    // However long it stays away, what it was handed is not put back in the queue for another device:
    // the app may have fetched it already and would send it too.
    expect(await g.t.gateway.services.devices.requeueFromSilentDevices(Date.now() + 3_600_000, new Set())).toEqual([]);
    expect(await statesOf(pushed.push_id)).toEqual(['sending']);
    const second = await registeredPhone('Phone/two');
    expect(await second.pull()).toEqual([]);
    const again = first.openEvents();
    g.track(async () => again.close());
    await again.opened;
    await waitUntil(() => again.events.includes('MessageEnqueued'));
    const [message] = await first.pull();
    expect(message!.id).toBe(pushed.data[0].msg_id);
    // Fetched twice (the app lost the answer), queued once: the app's store is keyed by message id.
    const repeated = await first.call<AppMessage[]>('GET', '/message');
    expect(repeated.body.map((each) => each.id)).toEqual([message!.id]);
    expect(await first.pull()).toEqual([]);
    expect(first.local.size).toBe(1);
  });

  it('spreads a bulk push over two phones, each message to exactly one of them', async () => {
    const one = await registeredPhone('Phone/one');
    const two = await registeredPhone('Phone/two');
    const numbers = Array.from({ length: 12 }, (_, index) => ({ number: `1555001${String(index).padStart(4, '0')}` }));
    const pushed = await push({ globalmessage: 'bulk', data: numbers });
    const got: AppMessage[] = [];
    await waitUntil(async () => {
      got.push(...(await one.pull()), ...(await two.pull()));
      return got.length >= 12;
    });
    expect(new Set(got.map((message) => message.id)).size).toBe(12);
    expect(one.local.size).toBeGreaterThan(0);
    expect(two.local.size).toBeGreaterThan(0);
    await one.sendAll([...one.local.values()].map((entry) => entry.message));
    await two.sendAll([...two.local.values()].map((entry) => entry.message));
    await waitUntil(async () => (await statesOf(pushed.push_id)).every((state) => state === 'delivered'));
    const status = await g.t.post('device-status', { token: g.t.apiToken });
    expect(status.devices).toHaveLength(2);
  });

  it('obeys the message-queue commands on the gateway side and answers 502 for what the app cannot do', async () => {
    const app = await registeredPhone();
    const action = (command: string) => g.t.post('device-action', { token: g.t.apiToken, command });
    expect(await action('restart')).toMatchObject({ status: 502 });
    expect(await action('reset')).toMatchObject({ status: 502 });
    // A phone that is gone is forgotten by naming it: what it held is cancelled and refunded.
    const held = await push({ globalmessage: 'held by a lost phone', data: [{ number: '15550008888' }] });
    await waitUntil(async () => (await statesOf(held.push_id))[0] === 'sending');
    expect(await g.t.post('device-action', { token: g.t.apiToken, command: 'reset', device_id: app.registration!.id })).toMatchObject({ status: 100, messages_cancelled: 1 });
    expect(await statesOf(held.push_id)).toEqual(['refunded']);
    expect(await action('stop-call-queue')).toMatchObject({ status: 502 });
    expect(await action('stop-message-queue')).toMatchObject({ status: 100, devices_reached: 1 });
    expect((await g.t.gateway.services.devices.list(g.t.projectId))[0]).toMatchObject({ isMessageQueuePaused: true });
    expect(await action('delete-message-queue')).toMatchObject({ status: 100, devices_reached: 1 });
    expect(await action('resume-message-queue')).toMatchObject({ status: 100, devices_reached: 1 });
    expect((await g.t.gateway.services.devices.list(g.t.projectId))[0]).toMatchObject({ isMessageQueuePaused: false });
    const pushed = await push({ globalmessage: 'after resume', data: [{ number: '15550006666' }] });
    const [message] = await pullUntil(app, 1);
    expect(message!.id).toBe(pushed.data[0].msg_id);
  });
});
