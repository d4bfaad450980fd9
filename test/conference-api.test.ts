// End to end: conference-request and conference-report against a gateway with simulated phones (the
// agent's simulate driver and raw device sockets), the call queue commands, and the call events.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SimulatedCallOutcome } from '../src/agent/index.js';
import { handleInputLine, simulateDriver } from '../src/agent/index.js';
import { createTestAgent, waitUntil, type TestAgent } from './support/agents.js';
import { startListeningGateway, type ListeningGateway } from './support/listening-gateway.js';
import { connectRawDevice, hello, type RawDevice } from './support/raw-device.js';
import { ManualClock } from './support/test-gateway.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

let g: ListeningGateway;
let clock: ManualClock;
let receiver: WebhookReceiver;

beforeEach(async () => {
  clock = new ManualClock();
  // Polls are left to the tests (runDue, expireStale): only immediate wake-ups run by themselves.
  g = await startListeningGateway({ SWITCHBOARD_WEBHOOK_POLL_MS: '600000', SWITCHBOARD_DISPATCH_POLL_MS: '600000', SWITCHBOARD_CALL_ANSWER_TIMEOUT_MS: '60000' }, { clock });
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await g.close();
  await receiver.close();
});

const conference = (numbers: unknown[], extra: Record<string, unknown> = {}, token = g.t.apiToken) =>
  g.t.post('conference-request', { token, 'priority ': 0, application: '4', mute_gateway: '0', record: '0', data: numbers.map((number) => ({ number })), ...extra });
const report = (pushId: unknown, token = g.t.apiToken) => g.t.post('conference-report', { token, push_id: pushId }) as Promise<any>;
const statuses = async (pushId: string) => ((await report(pushId)) as Record<string, string>[]).map((row) => row.status);
const action = (command: string) => g.t.post('device-action', { token: g.t.apiToken, command });

async function startPhone(deviceId: string, outcomes: Record<string, SimulatedCallOutcome> = {}, extra: Record<string, unknown> = {}): Promise<TestAgent> {
  const phone = createTestAgent({
    serverUrl: g.url,
    licenseKey: g.licenseKey,
    deviceId,
    delayMs: 0,
    applications: [1, 3, 4],
    driver: simulateDriver({ secondMs: 1, callOutcome: (number) => outcomes[number] ?? { outcome: 'answer', answerAfterS: 2, talkS: 12 } }),
    ...extra,
  });
  g.track(() => phone.agent.stop());
  await phone.agent.start();
  return phone;
}

describe('conference-request', () => {
  it('places a 2-member click-to-call that completes with durations, charged per member, with call events', async () => {
    await g.t.post('pm/set-webhook', { token: g.t.masterToken, project_id: g.t.projectId, event_webhook: `${receiver.url}/events` });
    const before = (await g.t.post('check-balance', { token: g.t.apiToken })).balance;
    await startPhone('caller', { '15550002222': { outcome: 'answer', answerAfterS: 1, talkS: 7 } });
    const answer = await conference(['15550001111', '+1 555 000 2222']);
    expect(answer).toEqual({ status: 100, push_id: expect.stringMatching(/^\d+$/), message: 'Success' });
    await waitUntil(async () => (await statuses(answer.push_id)).every((status) => status === '4'));
    const rows = await report(answer.push_id);
    expect(rows).toEqual([
      expect.objectContaining({ project_id: String(g.t.projectId), push_id: answer.push_id, number: '15550001111', duration: '12', status: '4', call_id: expect.stringMatching(/^\d+$/) }),
      expect.objectContaining({ number: '15550002222', duration: '7', status: '4' }),
    ]);
    expect((await g.t.post('check-balance', { token: g.t.apiToken })).balance).toBeCloseTo(before - 0.04, 6);
    await g.t.gateway.webhookDispatcher.runDue();
    // In progress and completed, for each of the two members (the hand-over sends no event).
    const calls = await receiver.waitForCalls(4);
    const items = calls.map((call) => call.fields).filter((body) => body.event_id === 11);
    expect(items.every((body) => body.version === 1 && body.project_id === String(g.t.projectId))).toBe(true);
    const completed = items.map((body) => body.data[0]).filter((item) => item.state === 'completed');
    expect(completed.map((item) => [item.number, item.duration]).sort()).toEqual([['15550001111', '12'], ['15550002222', '7']]);
  });

  it('joins 5 members: answered ones complete, a busy one and one that never answers are cancelled', async () => {
    await g.t.post('pm/set-webhook', { token: g.t.masterToken, project_id: g.t.projectId, event_webhook: `${receiver.url}/events` });
    await startPhone('conference-phone', { '15550000004': { outcome: 'busy' }, '15550000005': { outcome: 'no_answer', ringS: 3 } });
    const answer = await conference(['15550000001', '15550000002', '15550000003', '15550000004', '15550000005']);
    expect(answer.status).toBe(100);
    await waitUntil(async () => (await statuses(answer.push_id)).every((status) => status === '4' || status === '5'));
    const rows = (await report(answer.push_id)) as Record<string, string>[];
    expect(rows.map((row) => [row.status, row.duration, row.reason])).toEqual([
      ['4', '12', ''],
      ['4', '12', ''],
      ['4', '12', ''],
      ['5', '0', 'busy'],
      ['5', '0', 'no answer'],
    ]);
    expect((await g.t.gateway.services.calls.find((await g.t.gateway.storage.stores.projects.findById(g.t.projectId))!, Number(answer.push_id))).conference.state).toBe('done');
    // The cancelled members reach the event webhook with their reasons, as the completed ones do.
    const items = () => receiver.calls.flatMap((call) => (call.fields.data ?? []) as Record<string, string>[]);
    await waitUntil(async () => {
      await g.t.gateway.webhookDispatcher.runDue();
      return items().filter((item) => item.state === 'cancelled' || item.state === 'completed').length === 5;
    });
    const cancelled = items().filter((item) => item.state === 'cancelled').map((item) => [item.number, item.status, item.reason]);
    expect(cancelled.sort()).toEqual([['15550000004', '5', 'busy'], ['15550000005', '5', 'no answer']]);
  });

  it('cancels members still unanswered after the timeout, then frees the phone for the next conference', async () => {
    await startPhone('silent', { '15550000009': { outcome: 'no_answer' } });
    const first = await conference(['15550000008', '15550000009']);
    const second = await conference(['15550000010', '15550000011']);
    await waitUntil(async () => (await statuses(first.push_id))[0] === '4');
    // One conference at a time per phone: the second waits while a member of the first still rings.
    expect(await statuses(second.push_id)).toEqual(['1', '1']);
    expect(await g.t.gateway.services.calls.expireStale()).toBe(0);
    clock.advance(60_001);
    expect(await g.t.gateway.services.calls.expireStale()).toBe(1);
    expect((await report(first.push_id))[1]).toMatchObject({ status: '5', reason: 'not answered within 60 s' });
    await waitUntil(async () => (await statuses(second.push_id)).every((status) => status === '4'));
  });

  it('passes mute_gateway and record to the phone, which says in the report that it cannot honour them', async () => {
    await startPhone('plain-phone');
    const answer = await conference(['15550001111', '15550002222'], { mute_gateway: '1', record: 1 });
    await waitUntil(async () => (await statuses(answer.push_id)).every((status) => status === '4'));
    expect((await report(answer.push_id)).map((row: Record<string, string>) => row.reason)).toEqual([
      'mute_gateway and record not supported by this device',
      'mute_gateway and record not supported by this device',
    ]);
  });

  it('answers the documented codes for bad requests', async () => {
    expect(await conference(['15550001111'])).toMatchObject({ status: 505, message: 'Minimum 2 Contacts Should be Entered' });
    expect(await conference([])).toMatchObject({ status: 505 });
    expect(await conference(['15550000001', '15550000002', '15550000003', '15550000004', '15550000005', '15550000006'])).toMatchObject({ status: 506, message: 'Maximum 5 Contacts Allowed' });
    expect(await conference(['15550001111', '0123'])).toMatchObject({ status: 406, message: 'Invalid Mobile Number' });
    expect(await conference(['15550001111', '15550002222'], { priority: 'high' })).toMatchObject({ status: 410 });
    expect(await conference(['15550001111', '15550002222'], { application: 1 })).toMatchObject({ status: 410 });
    expect(await conference(['15550001111', '15550002222'], { data: 'x' })).toMatchObject({ status: 410 });
    expect(await conference(['15550001111', '15550002222'], {}, 'not-a-token')).toMatchObject({ status: 401 });
    // No paired phone carries calls yet.
    expect(await conference(['15550001111', '15550002222'])).toMatchObject({ status: 404 });
    const sms = await startPhone('sms-only', {}, { applications: [1, 3] });
    expect(await conference(['15550001111', '15550002222'])).toMatchObject({ status: 404 });
    await sms.agent.stop();
    // A phone whose platform joins 2 members (click-to-call) but no conference.
    await startPhone('old-android', {}, { maxCallMembers: 2 });
    expect(await conference(['15550001111', '15550002222', '15550003333'])).toMatchObject({ status: 502, message: 'This Feature Is Not Available In This Android Version' });
    expect((await conference(['15550001111', '15550002222'])).status).toBe(100);
  });

  it('answers 405 for a project whose plan has no calls', async () => {
    await startPhone('caller');
    const official = await g.t.post('pm/create-project', { token: g.t.masterToken, project_name: 'Official', service: 2, billing_plan: 7, generate_api_token: true });
    expect(official.status).toBe(100);
    expect(await conference(['15550001111', '15550002222'], {}, official.api_tokens[0].token)).toMatchObject({ status: 405 });
  });

  it('refuses with 403 a conference the wallet cannot pay, and stores nothing of it', async () => {
    await startPhone('caller');
    const balance = (await g.t.post('check-balance', { token: g.t.apiToken })).balance as number;
    const account = (await g.t.gateway.storage.stores.accounts.find())!;
    const debit = -Math.round((balance - 0.03) * 1_000_000);
    await g.t.gateway.storage.stores.wallet.apply({ accountId: account.id, kind: 'debit', amount: debit, reason: 'test: leave 0.03', reference: 'test', projectId: null, createdAt: clock.now() });
    expect(await conference(['15550001111', '15550002222'])).toMatchObject({ status: 403, message: 'Insufficient Balance' });
    expect(await g.t.gateway.services.calls.pendingCount(g.t.projectId)).toBe(0);
    expect((await g.t.post('check-balance', { token: g.t.apiToken })).balance).toBeCloseTo(0.03, 6);
  });
});

describe('conference-report', () => {
  it('answers 503 for an unknown push id, a message push and another project\'s conference', async () => {
    await startPhone('caller');
    const own = await conference(['15550001111', '15550002222']);
    expect(await report(999_999)).toMatchObject({ status: 503, message: 'Invalid PushId' });
    expect(await report('abc')).toMatchObject({ status: 410 });
    const push = await g.t.post('push', { token: g.t.apiToken, application: 1, globalmessage: 'hi', data: [{ number: '15550001111' }] });
    expect(await report(push.push_id)).toMatchObject({ status: 503 });
    expect(await g.t.post('delivery-report', { token: g.t.apiToken, push_id: own.push_id })).toMatchObject({ status: 503 });
    const other = await g.t.post('pm/create-project', { token: g.t.masterToken, project_name: 'Other', generate_api_token: true });
    expect(await report(own.push_id, other.api_tokens[0].token)).toMatchObject({ status: 503 });
  });

  it('prints time in the project\'s own zone and date format', async () => {
    const other = await g.t.post('pm/create-project', { token: g.t.masterToken, project_name: 'Kolkata', time_zone: 'Asia/Kolkata', date_format: 'MM-DD-YYYY', generate_api_token: true });
    const phone = createTestAgent({ serverUrl: g.url, licenseKey: other.license_key, deviceId: 'kolkata-phone', delayMs: 0, applications: [4], driver: simulateDriver({ secondMs: 1 }) });
    g.track(() => phone.agent.stop());
    await phone.agent.start();
    const answer = await conference(['15550001111', '15550002222'], {}, other.api_tokens[0].token);
    // The manual clock stands at 2026-01-15 10:00 UTC: 15:30 in Kolkata.
    await waitUntil(async () => (await report(answer.push_id, other.api_tokens[0].token))[0]?.status === '4');
    expect((await report(answer.push_id, other.api_tokens[0].token))[0].time).toBe('01-15-2026 03:30 PM');
  });
});

describe('the call queue', () => {
  it('stops, resumes and deletes the call queue (deleted conferences are refunded)', async () => {
    const phone = await startPhone('queue-phone');
    expect(await action('stop-call-queue')).toMatchObject({ status: 100 });
    await phone.waitFor(() => phone.agent.state.isCallQueuePaused);
    const held = await conference(['15550001111', '15550002222']);
    const high = await conference(['15550003333', '15550004444'], { priority: 1 });
    expect(await statuses(held.push_id)).toEqual(['1', '1']);
    expect((await g.t.post('device-status', { token: g.t.apiToken })).call_queue_count).toBe('2');
    expect(await action('resume-call-queue')).toMatchObject({ status: 100 });
    await waitUntil(async () => (await statuses(held.push_id)).every((status) => status === '4'));
    // High priority first: its calls were placed before the older low-priority ones.
    const calls = phone.events.filter((event) => event.event === 'call') as { push_id: string }[];
    expect(calls.map((event) => event.push_id)).toEqual([high.push_id, held.push_id]);

    await action('stop-call-queue');
    await phone.waitFor(() => phone.agent.state.isCallQueuePaused);
    const balance = (await g.t.post('check-balance', { token: g.t.apiToken })).balance as number;
    const deleted = await conference(['15550005555', '15550006666']);
    expect(await action('delete-call-queue')).toMatchObject({ status: 100, conferences_cancelled: 1 });
    expect((await report(deleted.push_id)).map((row: Record<string, string>) => [row.status, row.reason])).toEqual([
      ['5', 'call queue deleted'],
      ['5', 'call queue deleted'],
    ]);
    expect((await g.t.post('check-balance', { token: g.t.apiToken })).balance).toBeCloseTo(balance, 6);
  });
});

describe('calls over the raw protocol', () => {
  async function rawPhone(extra: Record<string, unknown> = {}): Promise<{ device: RawDevice; welcome: Record<string, any> }> {
    const device = await connectRawDevice(g.url);
    g.track(() => device.close());
    device.send(hello(g.licenseKey, 'raw-caller', { applications: [4], ...extra }));
    return { device, welcome: await device.next('welcome') };
  }

  it('keeps a conference through a disconnection mid-call: the phone reports the outcome when back', async () => {
    const { device, welcome } = await rawPhone();
    const answer = await conference(['15550001111', '15550002222'], { record: 1 });
    const call = await device.next('call');
    expect(call).toMatchObject({ push_id: answer.push_id, record: true, mute_gateway: false, members: [{ number: '15550001111' }, { number: '15550002222' }] });
    const [first, second] = call.members as { call_id: string }[];
    device.send({ type: 'call_status', push_id: answer.push_id, call_id: first!.call_id, status: 'in_progress' });
    expect(await device.next('call_ack')).toEqual({ type: 'call_ack', call_id: first!.call_id, status: 'in_progress' });
    await device.close();
    expect(await statuses(answer.push_id)).toEqual(['3', '2']);

    const back = await connectRawDevice(g.url);
    g.track(() => back.close());
    back.send(hello('', 'raw-caller', { applications: [4], license_key: undefined, device_token: welcome.device_token }));
    await back.next('welcome');
    // The gateway gives the conference again; the phone answers with what became of it.
    expect((await back.next('call')).push_id).toBe(answer.push_id);
    back.send({ type: 'call_status', push_id: answer.push_id, call_id: first!.call_id, status: 'completed', duration: 42, reason: 'record not supported' });
    back.send({ type: 'call_status', push_id: answer.push_id, call_id: second!.call_id, status: 'cancelled', reason: 'busy' });
    // A late, older report changes nothing.
    back.send({ type: 'call_status', push_id: answer.push_id, call_id: first!.call_id, status: 'in_progress' });
    for (let index = 0; index < 3; index += 1) await back.next('call_ack');
    expect((await report(answer.push_id)).map((row: Record<string, string>) => [row.status, row.duration, row.reason])).toEqual([
      ['4', '42', 'record not supported'],
      ['5', '0', 'busy'],
    ]);
  });

  it('cancels a member left in progress by a phone that never came back, after the longest duration', async () => {
    const { device } = await rawPhone();
    const answer = await conference(['15550001111', '15550002222']);
    const [first, second] = (await device.next('call')).members as { call_id: string }[];
    device.send({ type: 'call_status', push_id: answer.push_id, call_id: first!.call_id, status: 'in_progress' });
    await device.next('call_ack');
    device.send({ type: 'call_status', push_id: answer.push_id, call_id: second!.call_id, status: 'completed', duration: 5 });
    await device.next('call_ack');
    await device.close();
    clock.advance(14_400_000 - 1);
    expect(await g.t.gateway.services.calls.expireStale()).toBe(0);
    expect(await g.t.gateway.services.calls.pendingCount(g.t.projectId)).toBe(1);
    clock.advance(2);
    expect(await g.t.gateway.services.calls.expireStale()).toBe(1);
    expect((await report(answer.push_id)).map((row: Record<string, string>) => [row.status, row.duration, row.reason])).toEqual([
      ['5', '0', 'no outcome reported within 14400 s'],
      ['4', '5', ''],
    ]);
    expect(await g.t.gateway.services.calls.pendingCount(g.t.projectId)).toBe(0);
  });

  it('reset ends the conference a phone is placing and cancels what is queued', async () => {
    const { device } = await rawPhone();
    const placing = await conference(['15550001111', '15550002222']);
    await device.next('call');
    const queued = await conference(['15550003333', '15550004444']);
    expect(await action('reset')).toMatchObject({ status: 100, conferences_cancelled: 2 });
    for (const pushId of [placing.push_id, queued.push_id]) {
      expect((await report(pushId)).map((row: Record<string, string>) => [row.status, row.reason])).toEqual([
        ['5', 'device reset'],
        ['5', 'device reset'],
      ]);
    }
    expect(await g.t.gateway.services.calls.pendingCount(g.t.projectId)).toBe(0);
  });

  it('refuses call reports outside the schema or for calls it did not give, without harm', async () => {
    const { device } = await rawPhone();
    device.send({ type: 'call_status', push_id: '1', call_id: '1', status: 'ringing' });
    expect(await device.next('error')).toMatchObject({ reason: 'invalid_frame' });
    device.send({ type: 'call_status', push_id: '77', call_id: '88', status: 'completed', duration: 3 });
    expect(await device.next('error')).toMatchObject({ reason: 'unknown_call' });
    expect(await device.next('call_ack')).toMatchObject({ call_id: '88' });
    device.send({ type: 'inbound_call', id: 'x', number: '1', missed: 'yes' });
    expect(await device.next('error')).toMatchObject({ reason: 'invalid_frame' });
  });

  it('sends received and missed calls to the global webhook with application 4, once', async () => {
    await g.t.post('pm/set-webhook', { token: g.t.masterToken, project_id: g.t.projectId, global_webhook: `${receiver.url}/global?source=calls` });
    const { device } = await rawPhone();
    device.send({ type: 'inbound_call', id: 'c1', number: '15559990000', name: 'Ann', missed: true });
    device.send({ type: 'inbound_call', id: 'c1', number: '15559990000', name: 'Ann', missed: true });
    device.send({ type: 'inbound_call', id: 'c2', number: '15559990001', missed: false, duration: 30 });
    for (let index = 0; index < 3; index += 1) await device.next('inbound_ack');
    await g.t.gateway.webhookDispatcher.runDue();
    const calls = await receiver.waitForCalls(2);
    const bodies = calls.map((call) => call.fields).sort((a, b) => a.number.localeCompare(b.number));
    expect(bodies[0]).toMatchObject({ number: '15559990000', name: 'Ann', application: 4, type: 10, 'call-status': 'missed', 'call-duration': 0, source: 'calls' });
    expect(bodies[1]).toMatchObject({ number: '15559990001', application: 4, 'call-status': 'answered', 'call-duration': 30 });
    expect(receiver.calls).toHaveLength(2);
  });
});

describe('inbound calls from the agent', () => {
  it('reach the global webhook, injected as a stdin line would', async () => {
    await g.t.post('pm/set-webhook', { token: g.t.masterToken, project_id: g.t.projectId, global_webhook: `${receiver.url}/global` });
    const phone = await startPhone('line-phone');
    expect(handleInputLine(phone.agent, JSON.stringify({ inbound_call: { number: '15558880000', missed: true } }))).toMatchObject({ event: 'inbound_accepted' });
    expect(handleInputLine(phone.agent, JSON.stringify({ inbound_call: { number: '1555', missed: true, colour: 'red' } }))).toEqual({ event: 'input_error', detail: 'inbound_call: unknown field colour' });
    expect(handleInputLine(phone.agent, JSON.stringify({ inbound_call: { number: '1555', missed: 'yes' } }))).toMatchObject({ event: 'input_error' });
    await phone.waitFor(() => phone.agent.state.unackedInbound === 0);
    await g.t.gateway.webhookDispatcher.runDue();
    const [call] = await receiver.waitForCalls(1);
    expect(call!.fields).toMatchObject({ number: '15558880000', application: 4, type: 10, 'call-status': 'missed' });
  });
});
