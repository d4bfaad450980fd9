// The webhook outbox with time in the test's hands: the documented retry schedule, exhaustion, a
// project's own schedule, delivery reports for every status and their batching, group events, instant
// replies sent once across retries and replays, and secret rotation.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyWebhook, type NewInboundMessage } from '../src/core/index.js';
import { startListeningGateway, type ListeningGateway } from './support/listening-gateway.js';
import { connectRawDevice, hello, type RawDevice } from './support/raw-device.js';
import { ManualClock } from './support/test-gateway.js';
import { answer, startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

const MINUTE = 60_000;
let g: ListeningGateway;
let clock: ManualClock;
let receiver: WebhookReceiver;

beforeEach(async () => {
  clock = new ManualClock();
  // Polling is left to the test (runDue): only immediate wake-ups run by themselves.
  g = await startListeningGateway({ SWITCHBOARD_WEBHOOK_POLL_MS: '600000', SWITCHBOARD_WEBHOOK_BATCH_MAX: '3' }, { clock });
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await g.close();
  await receiver.close();
});

const runDue = (forceBatches = false) => g.t.gateway.webhookDispatcher.runDue(forceBatches);
const setWebhooks = async (fields: Record<string, unknown>) => {
  const result = await g.t.post('pm/set-webhook', { token: g.t.masterToken, project_id: g.t.projectId, ...fields });
  expect(result.status).toBe(100);
  return result;
};
const log = async () => (await g.t.post('pm/webhook-log', { token: g.t.masterToken, project_id: g.t.projectId, limit: 500 })).data as Record<string, any>[];

let inboundCounter = 0;
function receive(fields: Partial<NewInboundMessage> = {}) {
  inboundCounter += 1;
  return g.t.gateway.services.inbound.receive({
    projectId: g.t.projectId,
    deviceId: 0,
    channelId: null,
    application: 1,
    externalId: `in-${inboundCounter}`,
    sender: `1555800${String(inboundCounter).padStart(4, '0')}`,
    senderName: '',
    type: 1,
    text: `message ${inboundCounter}`,
    mediaUrl: '',
    quotedMsgId: '',
    details: {},
    receivedAt: clock.now(),
    ...fields,
  });
}

async function pairedDevice(): Promise<RawDevice> {
  const device = await connectRawDevice(g.url);
  g.track(() => device.close());
  device.send(hello(g.licenseKey, 'outbox-phone'));
  await device.next('welcome');
  return device;
}

describe('retries', () => {
  it('follows 1 min, 15 min, 2 h, 6 h: a receiver down for three attempts still gets every event once', async () => {
    await setWebhooks({ global_webhook: `${receiver.url}/flaky` });
    const failures = new Map<string, number>();
    receiver.respond((call, index, response) => {
      const id = call.headers['x-switchboard-event-id'] as string;
      const failed = failures.get(id) ?? 0;
      if (failed < 3) {
        failures.set(id, failed + 1);
        return answer(503, 'down')(call, index, response);
      }
      answer(200, 'ok')(call, index, response);
    });
    for (let i = 0; i < 3; i += 1) await receive();
    await runDue();
    expect(receiver.calls).toHaveLength(3);
    expect((await log()).map((d) => [d.state, d.attempts, d.last_error, d.next_attempt_at])).toEqual(Array(3).fill(['pending', 1, 'HTTP 503', new Date(clock.now() + MINUTE).toISOString()]));
    const steps = [MINUTE, 15 * MINUTE, 120 * MINUTE];
    for (const [index, step] of steps.entries()) {
      clock.advance(step - 1000);
      await runDue();
      expect(receiver.calls).toHaveLength(3 * (index + 1));
      clock.advance(1000);
      await runDue();
      expect(receiver.calls).toHaveLength(3 * (index + 2));
    }
    const deliveries = await log();
    expect(deliveries.map((d) => [d.state, d.attempts, d.response_code])).toEqual(Array(3).fill(['delivered', 4, 200]));
    const succeeded = receiver.calls.filter((call) => failures.get(call.headers['x-switchboard-event-id'] as string) === 3 && call.headers['x-switchboard-attempt'] === '4');
    expect(new Set(succeeded.map((call) => call.headers['x-switchboard-event-id'])).size).toBe(3);
    expect(new Set(receiver.calls.map((call) => call.fields['unique-id'])).size).toBe(3);
    clock.advance(24 * 60 * MINUTE);
    await runDue();
    expect(receiver.calls).toHaveLength(12);
  });

  it('gives up after the last step (exhausted), with the project’s own schedule', async () => {
    await setWebhooks({ global_webhook: `${receiver.url}/down`, webhook_retry_schedule: '10s,20s' });
    receiver.respond(answer(500, 'broken'));
    await receive();
    await runDue();
    clock.advance(10_000);
    await runDue();
    clock.advance(20_000);
    await runDue();
    expect(receiver.calls).toHaveLength(3);
    expect((await log())[0]).toMatchObject({ state: 'exhausted', attempts: 3, last_error: 'HTTP 500', response_code: 500, next_attempt_at: '' });
    clock.advance(7 * 24 * 60 * MINUTE);
    await runDue();
    expect(receiver.calls).toHaveLength(3);
    expect(await g.t.post('pm/set-webhook', { token: g.t.masterToken, project_id: g.t.projectId, webhook_retry_schedule: 'soon' })).toMatchObject({ status: 410 });
  });

  it('replays a delivery on demand, with the same event id', async () => {
    await setWebhooks({ global_webhook: `${receiver.url}/again` });
    await receive();
    await runDue();
    const [delivered] = await log();
    expect(delivered).toMatchObject({ state: 'delivered', attempts: 1 });
    const replayed = await g.t.post('pm/webhook-replay', { token: g.t.masterToken, project_id: g.t.projectId, delivery_id: Number(delivered!.delivery_id) });
    expect(replayed).toMatchObject({ status: 100, state: 'pending' });
    await runDue();
    expect(receiver.calls.map((call) => call.headers['x-switchboard-event-id'])).toEqual([delivered!.event_id, delivered!.event_id]);
    expect(await g.t.post('pm/webhook-replay', { token: g.t.masterToken, project_id: g.t.projectId, delivery_id: 999_999 })).toMatchObject({ status: 410 });
  });
});

describe('instant reply across retries', () => {
  it('is queued once: not for a failed attempt, once for the success, never again on replay', async () => {
    const device = await pairedDevice();
    await setWebhooks({ global_webhook: `${receiver.url}/bot` });
    const reply = JSON.stringify({ 'message-out': 'only once' });
    receiver.respond((call, index, response) => answer(index === 0 ? 500 : 200, reply)(call, index, response));
    const { message } = await receive({ sender: '15559000001' });
    await runDue();
    expect((await log())[0]).toMatchObject({ state: 'pending', reply_state: '' });
    clock.advance(MINUTE);
    await runDue();
    const [delivered] = await log();
    expect(delivered).toMatchObject({ state: 'delivered', reply_state: 'queued' });
    expect(await device.next('send')).toMatchObject({ number: message.sender, text: 'only once' });
    await g.t.post('pm/webhook-replay', { token: g.t.masterToken, project_id: g.t.projectId, delivery_id: Number(delivered!.delivery_id) });
    await runDue();
    expect(receiver.calls).toHaveLength(3);
    expect((await log())[0]).toMatchObject({ state: 'delivered', reply_state: 'queued', reply_push_id: delivered!.reply_push_id });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(device.frames.filter((frame) => frame.type === 'send')).toHaveLength(1);
    // The row itself refuses a second reply (the push's idempotency key is the second guard).
    const again = await g.t.gateway.storage.stores.webhooks.setReplyOnce(Number(delivered!.delivery_id), { text: 'twice', mediaUrl: '', application: 0, delaySeconds: 0 }, clock.now(), clock.now());
    expect(again).toBe(false);
  });
});

describe('event webhook', () => {
  it('reports every status with the documented fields, in batches of at most batch-max', async () => {
    const device = await pairedDevice();
    await setWebhooks({ event_webhook: `${receiver.url}/events` });
    const pushed = await g.t.post('push', {
      token: g.t.apiToken,
      application: 1,
      globalmessage: 'Order shipped',
      data: [{ number: '15551110001', reference_number: 'REF-1' }, { number: '15551110002' }, { number: '15551110003' }],
    });
    const [first, second, third] = pushed.data.map((row: { msg_id: string }) => row.msg_id);
    for (let i = 0; i < 3; i += 1) await device.next('send');
    device.send({ type: 'delivered', msg_id: first });
    device.send({ type: 'failed', msg_id: second, reason: 'not on WhatsApp' });
    device.send({ type: 'delivered', msg_id: third });
    for (let i = 0; i < 3; i += 1) await device.next('report_ack');
    await g.t.gateway.services.messages.move(Number(third), 'read');
    // Items wait for the batch window (or a full batch) before they travel.
    expect(receiver.calls).toHaveLength(0);
    clock.advance(1000);
    await runDue();
    const items = receiver.calls.flatMap((call) => call.fields.data as Record<string, any>[]);
    expect(receiver.calls.every((call) => call.fields.event_id === 1 && call.fields.project_id === String(g.t.projectId) && call.fields.data.length <= 3)).toBe(true);
    expect(receiver.calls).toHaveLength(3);
    // Calls travel side by side, so only the set of reports per message is certain, not their order.
    const statuses = (msgId: string) => items.filter((item) => item.msg_id === msgId).map((item) => item.status).sort();
    expect(statuses(first)).toEqual(['1', '4']);
    expect(statuses(second)).toEqual(['2', '5']);
    expect(statuses(third)).toEqual(['1', '3', '4']);
    expect(items.find((item) => item.msg_id === first)).toMatchObject({
      push_id: pushed.push_id,
      number: '15551110001',
      reference_number: 'REF-1',
      message: 'Order shipped',
      message_type: 'text',
      media: '',
      channel_id: expect.stringMatching(/^\d+$/),
      error_message: '',
    });
    expect(items.find((item) => item.msg_id === second && item.status === '2')).toMatchObject({ error_message: 'not on WhatsApp' });
  });

  it('sends a group join or exit once per device event id (event_id 3)', async () => {
    const device = await pairedDevice();
    await setWebhooks({ event_webhook: `${receiver.url}/groups` });
    const event = { type: 'group_event', id: 'g-1', application: 1, group_id: '1203630@g.us', group_subject: 'Team', number: '15552220001', action: 1 };
    device.send(event);
    device.send(event);
    expect(await device.next('inbound_ack')).toEqual({ type: 'inbound_ack', id: 'g-1' });
    expect(await device.next('inbound_ack')).toEqual({ type: 'inbound_ack', id: 'g-1' });
    await runDue();
    expect(receiver.calls.map((call) => call.fields)).toEqual([{ project_id: String(g.t.projectId), event_id: 3, action: 1, group_id: '1203630@g.us', group_subject: 'Team', number: '15552220001', application: 1 }]);
  });
});

describe('signing secret', () => {
  it('is rotatable: calls after a rotation verify with the new secret only', async () => {
    const { webhook_secret: oldSecret } = await setWebhooks({ global_webhook: `${receiver.url}/signed` });
    const rotated = await g.t.post('pm/rotate-webhook-secret', { token: g.t.masterToken, project_id: g.t.projectId });
    expect(rotated.webhook_secret).toMatch(/^whsec_[0-9a-f]{48}$/);
    expect(rotated.webhook_secret).not.toBe(oldSecret);
    await receive();
    await runDue();
    const [call] = receiver.calls;
    const check = (secret: string) => verifyWebhook(secret, call!.headers['x-switchboard-timestamp'] as string, call!.body, call!.headers['x-switchboard-signature'] as string);
    expect(call!.headers['x-switchboard-timestamp']).toBe(String(Math.floor(clock.now() / 1000)));
    expect(check(rotated.webhook_secret)).toBe(true);
    expect(check(oldSecret)).toBe(false);
  });
});
