// The global webhook end to end: a simulated phone receives messages, a real local receiver gets them in
// both formats with every documented variable, signed, and answers with instant replies that reach the
// phone as ordinary messages.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handleInputLine } from '../src/agent/line-interface.js';
import { verifyWebhook } from '../src/core/index.js';
import { createTestAgent, waitUntil, type TestAgent } from './support/agents.js';
import { startListeningGateway, type ListeningGateway } from './support/listening-gateway.js';
import { answer, startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

let g: ListeningGateway;
let receiver: WebhookReceiver;
let phone: TestAgent;

beforeAll(async () => {
  g = await startListeningGateway({ SWITCHBOARD_WEBHOOK_POLL_MS: '50', SWITCHBOARD_DISPATCH_POLL_MS: '50' });
  receiver = await startWebhookReceiver();
  phone = createTestAgent({ serverUrl: g.url, licenseKey: g.licenseKey, deviceId: 'hook-phone', delayMs: 0 });
  await phone.agent.start();
  g.track(() => phone.agent.stop());
});
afterAll(async () => {
  await g.close();
  await receiver.close();
});
afterEach(async () => {
  receiver.calls.length = 0;
  receiver.respond(answer(200, 'ok', 'text/plain'));
  await setWebhooks({ global_webhook: '', smart_reply_webhook: '', webhook_format: 1 });
});

async function setWebhooks(fields: Record<string, unknown>): Promise<Record<string, any>> {
  const answer = await g.t.post('pm/set-webhook', { token: g.t.masterToken, project_id: g.t.projectId, ...fields });
  expect(answer.status).toBe(100);
  return answer;
}

async function deliveries(): Promise<Record<string, any>[]> {
  const log = await g.t.post('pm/webhook-log', { token: g.t.masterToken, project_id: g.t.projectId, limit: 500 });
  return log.data;
}

describe('global webhook', () => {
  it('posts JSON with every documented variable, the custom ones, an event id and a valid signature', async () => {
    const hook = await setWebhooks({ global_webhook: `${receiver.url}/hook.php?campaign=spring&number=not-this` });
    const pushed = await g.t.post('push', { token: g.t.apiToken, application: 1, globalmessage: 'Promo', data: [{ number: '15550001111' }] });
    await phone.waitFor(() => phone.messages().length >= 1);
    const text = 'Hi there & more: ünïcode? 100%';
    phone.agent.injectInbound({ number: '15550001111', name: 'Ann', text, type: 1, application: 1, quoted_msg_id: pushed.data[0].msg_id });
    const [call] = await receiver.waitForCalls(1);
    expect(call!.path).toBe('/hook.php?campaign=spring&number=not-this');
    expect(call!.headers['content-type']).toBe('application/json');
    expect(call!.fields).toMatchObject({
      number: '15550001111',
      name: 'Ann',
      'message-in': encodeURIComponent(text),
      message_in_raw: text,
      application: 1,
      type: 1,
      'media-url': '',
      'project-id': String(g.t.projectId),
      direction: 0,
      'group-id': '',
      'context-msg-id': pushed.data[0].msg_id,
      payload: '',
      campaign: 'spring',
    });
    expect(call!.fields['unique-id']).toEqual(expect.any(Number));
    const eventId = call!.headers['x-switchboard-event-id'] as string;
    expect(eventId).toMatch(/^evt_[0-9a-f]{24}[0-9a-z]{4}$/);
    expect(verifyWebhook(hook.webhook_secret, call!.headers['x-switchboard-timestamp'] as string, call!.body, call!.headers['x-switchboard-signature'] as string)).toBe(true);
    expect(verifyWebhook(hook.webhook_secret, call!.headers['x-switchboard-timestamp'] as string, `${call!.body} `, call!.headers['x-switchboard-signature'] as string)).toBe(false);
    await waitUntil(async () => (await deliveries())[0]?.state === 'delivered');
    expect((await deliveries())[0]).toMatchObject({ kind: 'inbound', event_id: eventId, attempts: 1, response_code: 200, reply_state: '' });
  });

  it('posts Standard POST (form) bodies, nested values in the PHP style', async () => {
    await setWebhooks({ global_webhook: `${receiver.url}/form?source=phone`, webhook_format: 2 });
    phone.agent.injectInbound({ number: '15550002222', type: 5, application: 1, text: '', location: { lat: 12.5, long: -3.25, name: 'Cafe' } });
    const [call] = await receiver.waitForCalls(1);
    expect(call!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(call!.fields).toMatchObject({ number: '15550002222', type: '5', application: '1', source: 'phone', 'Location[lat]': '12.5', 'Location[long]': '-3.25', 'Location[name]': 'Cafe' });
  });

  it('carries what each inbound type has', async () => {
    await setWebhooks({ global_webhook: `${receiver.url}/types` });
    const media = 'https://cdn.example/file';
    const inputs = [
      { type: 1, text: 'text' },
      { type: 2, media_url: `${media}.jpg`, text: 'caption' },
      { type: 3, media_url: `${media}.mp4` },
      { type: 4, media_url: `${media}.ogg` },
      { type: 5, location: { lat: 1, long: 2, address: 'Main St 1', url: 'https://maps.example/x' } },
      { type: 6, media_url: `${media}.pdf`, text: 'report.pdf' },
      { type: 7, contacts: [{ name: 'Bob', number: '15550003333' }] },
      { type: 9, text: 'Yes', payload: 'YES_PAYLOAD', interactive: { type: 2 as const, id: 'yes', description: 'Yes please' } },
      { type: 1, text: 'in a group', group_id: '1203630@g.us', group_name: 'Team', mentions: ['15550004444'], name: 'Carl' },
    ];
    for (const input of inputs) phone.agent.injectInbound({ number: '15550005555', application: 1, ...input });
    const calls = await receiver.waitForCalls(inputs.length);
    const byText = (type: number) => calls.filter((call) => call.fields.type === type).map((call) => call.fields);
    expect(byText(2)[0]).toMatchObject({ 'media-url': `${media}.jpg`, message_in_raw: 'caption' });
    expect(byText(3)[0]).toMatchObject({ 'media-url': `${media}.mp4` });
    expect(byText(4)[0]).toMatchObject({ 'media-url': `${media}.ogg` });
    expect(byText(5)[0]!.Location).toEqual({ lat: 1, long: 2, name: '', address: 'Main St 1', url: 'https://maps.example/x' });
    expect(byText(6)[0]).toMatchObject({ 'media-url': `${media}.pdf` });
    expect(byText(7)[0]!.contact).toEqual([{ name: 'Bob', number: '15550003333' }]);
    expect(byText(9)[0]).toMatchObject({ payload: 'YES_PAYLOAD', interactive: { type: 2, id: 'yes', description: 'Yes please' } });
    expect(byText(1).find((fields) => fields['group-id'])).toMatchObject({ number: 'Team @Carl', 'group-id': '1203630@g.us', 'group-mentions': ['15550004444'] });
  });

  it('goes to the smart-reply webhook instead when one is set', async () => {
    await setWebhooks({ global_webhook: `${receiver.url}/global`, smart_reply_webhook: `${receiver.url}/smart` });
    phone.agent.injectInbound({ number: '15550006666', text: 'route me', type: 1, application: 1 });
    await receiver.waitForCalls(1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(receiver.calls.map((call) => call.path)).toEqual(['/smart']);
  });
});

describe('group events from the agent', () => {
  it('reach the event webhook (event_id 3), injected as a stdin line would', async () => {
    await setWebhooks({ event_webhook: `${receiver.url}/events` });
    const line = handleInputLine(phone.agent, JSON.stringify({ group_event: { application: 1, group_id: '1203630@g.us', group_subject: 'Team', number: '15550007777', action: 2 } }));
    expect(line).toMatchObject({ event: 'inbound_accepted' });
    const [call] = await receiver.waitForCalls(1);
    expect(call!.fields).toEqual({ project_id: String(g.t.projectId), event_id: 3, action: 2, group_id: '1203630@g.us', group_subject: 'Team', number: '15550007777', application: 1 });
    await phone.waitFor(() => phone.agent.state.unackedInbound === 0);
    expect(handleInputLine(phone.agent, JSON.stringify({ group_event: { application: 1, group_id: 'g', group_subject: 'T', number: '1555', action: 9 } }))).toMatchObject({ event: 'input_error' });
    expect(handleInputLine(phone.agent, JSON.stringify({ group_event: { colour: 'red' } }))).toEqual({ event: 'input_error', detail: 'group_event: unknown field colour' });
    await setWebhooks({ event_webhook: '' });
  });
});

describe('instant reply', () => {
  const repliesTo = (number: string) => phone.messages().filter((message) => message.number === number);

  it('sends message-out back on the inbound channel, as an ordinary message with its own msg_id', async () => {
    await setWebhooks({ global_webhook: `${receiver.url}/bot` });
    receiver.respond(answer(200, JSON.stringify({ 'message-out': 'Thanks, we got it', delay: 0, application: '0' })));
    phone.agent.injectInbound({ number: '15557000001', text: 'hello bot', type: 1, application: 1 });
    await phone.waitFor(() => repliesTo('15557000001').length === 1);
    const reply = repliesTo('15557000001')[0]!;
    expect(reply).toMatchObject({ application: 1, text: 'Thanks, we got it' });
    const [delivery] = await deliveries();
    expect(delivery).toMatchObject({ reply_state: 'queued' });
    const report = await g.t.post('delivery-report', { token: g.t.apiToken, push_id: delivery!.reply_push_id });
    expect(report.data[0]).toMatchObject({ msg_id: reply.msg_id, number: '15557000001' });
  });

  it('honours an explicit application (SMS: media appended to the text) and the delay', async () => {
    await setWebhooks({ global_webhook: `${receiver.url}/bot` });
    receiver.respond(answer(200, JSON.stringify({ 'message-out': 'See this', 'media-url': 'https://cdn.example/menu.png', delay: 1, application: 3 })));
    const sentAt = Date.now();
    phone.agent.injectInbound({ number: '15557000002', text: 'menu?', type: 1, application: 1 });
    await phone.waitFor(() => repliesTo('15557000002').length === 1, 10_000);
    expect(Date.now() - sentAt).toBeGreaterThanOrEqual(1000);
    expect(repliesTo('15557000002')[0]).toMatchObject({ application: 3, text: 'See this\nhttps://cdn.example/menu.png' });
  });

  it('sends nothing for a body that is not JSON, is empty, or asks for nothing', async () => {
    await setWebhooks({ global_webhook: `${receiver.url}/quiet` });
    const bodies = ['<html>ok</html>', '', JSON.stringify({ status: 'ok' }), JSON.stringify({ 'message-out': '   ' })];
    receiver.respond((_call, index, response) => answer(200, bodies[index] ?? '')(_call, index, response));
    for (const [index] of bodies.entries()) phone.agent.injectInbound({ number: `1555700001${index}`, text: 'x', type: 1, application: 1 });
    await receiver.waitForCalls(bodies.length);
    await waitUntil(async () => (await deliveries()).slice(0, bodies.length).every((delivery) => delivery.state === 'delivered'));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(phone.messages().filter((message) => String(message.number).startsWith('1555700001'))).toEqual([]);
    expect((await deliveries()).slice(0, bodies.length).map((delivery) => delivery.reply_state)).toEqual(['', '', '', '']);
  });
});

describe('test webhook', () => {
  it('posts a sample message and shows the answer and the reply it would produce, sending nothing', async () => {
    await setWebhooks({ global_webhook: `${receiver.url}/try` });
    receiver.respond(answer(200, JSON.stringify({ 'message-out': 'Hello tester' })));
    const before = phone.messages().length;
    const result = await g.t.post('pm/test-webhook', { token: g.t.masterToken, project_id: g.t.projectId });
    expect(result).toMatchObject({ status: 100, url: `${receiver.url}/try`, delivered: true, response_code: 200, reply: { 'message-out': 'Hello tester', delay: 0, application: 0 } });
    expect(receiver.calls[0]!.fields).toMatchObject({ number: '15550000000', type: 1 });
    expect(await deliveries()).not.toContainEqual(expect.objectContaining({ url: `${receiver.url}/try` }));
    expect(phone.messages().length).toBe(before);
    await setWebhooks({ global_webhook: '' });
    expect(await g.t.post('pm/test-webhook', { token: g.t.masterToken, project_id: g.t.projectId })).toMatchObject({ status: 410 });
  });
});
