// The WhatsApp Web send queue against a fake WhatsApp: high priority first then oldest, the channel's own
// gap between sends, a passing failure retried until the attempts run out, and an error ack failing a message.
import { afterEach, describe, expect, it } from 'vitest';
import { waitUntil } from './support/agents.js';
import { startWebSuite, type WebSuite } from './support/whatsapp-web.js';

let s: WebSuite | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const textOf = (content: unknown) => (content as { text?: string }).text;

describe('WhatsApp Web send queue', () => {
  it('sends high priority first, then oldest, with the channel gap between messages', async () => {
    s = await startWebSuite();
    const suite = s;
    const { channel_id: channelId } = await suite.status();
    const gap = await suite.g.t.post('pm/update-channel', { token: suite.g.t.masterToken, project_id: suite.g.t.projectId, channel_id: channelId, send_gap_min_ms: 400, send_gap_max_ms: 500 });
    expect(gap.status).toBe(100);
    // Queued while the session is not paired yet, so that the queue decides the order.
    for (const [text, priority] of [['old low', 0], ['new low', 0], ['high', 1]] as const) {
      expect((await suite.post('push', { application: 10, globalmessage: text, priority, data: [{ number: '15550001111' }] })).status).toBe(100);
    }
    await suite.pair();
    await waitUntil(() => suite.whatsapp.sent.length === 3);
    expect(suite.whatsapp.sent.map((call) => textOf(call.content))).toEqual(['high', 'old low', 'new low']);
    // A lower bound well under the 400 ms gap: the gap starts before the first send's own database work,
    // so the measured distance may be a little shorter; without pacing it would be a few milliseconds.
    const [first, second, third] = suite.whatsapp.sent.map((call) => call.at);
    expect(second! - first!).toBeGreaterThanOrEqual(250);
    expect(third! - second!).toBeGreaterThanOrEqual(250);
  });

  it('retries a send that failed with a passing error, then fails and refunds it when the attempts run out', async () => {
    s = await startWebSuite({ env: { SWITCHBOARD_WHATSAPP_WEB_MAX_ATTEMPTS: '2' } });
    const suite = s;
    await suite.pair();
    const balance = async () => (await suite.post('check-balance', {})).balance;
    const before = await balance();
    expect(before).toEqual(expect.any(Number));
    suite.whatsapp.failSends = true;
    const answer = await suite.post('push', { application: 10, globalmessage: 'never', data: [{ number: '15550001111' }] });
    const message = () => suite.g.t.gateway.services.messages.get(Number(answer.data[0].msg_id));
    await waitUntil(async () => (await message())!.state === 'refunded', 15_000);
    expect(await message()).toMatchObject({ attempts: 2 });
    expect((await message())!.lastError).toMatch(/socket write failed \(gave up after 2 attempts\)/);
    const states = (await suite.g.t.gateway.services.messages.timeline(Number(answer.data[0].msg_id))).map((event) => event.state);
    expect(states).toEqual(['queued', 'sending', 'queued', 'sending', 'failed', 'refunded']);
    expect(await balance()).toBe(before);
  }, 20_000);

  it('fails a message on an error ack after the server took it', async () => {
    s = await startWebSuite();
    const suite = s;
    const socket = await suite.pair();
    const answer = await suite.post('push', { application: 10, globalmessage: 'bounced', data: [{ number: '15550001111' }] });
    await waitUntil(() => suite.whatsapp.sent.length === 1);
    const message = () => suite.g.t.gateway.services.messages.get(Number(answer.data[0].msg_id));
    socket.ack(suite.whatsapp.sent[0]!.options.messageId, 2);
    await waitUntil(async () => (await message())!.state === 'submitted');
    socket.ack(suite.whatsapp.sent[0]!.options.messageId, 0);
    await waitUntil(async () => (await message())!.state === 'failed');
    expect((await message())!.lastError).toBe('WhatsApp reported the message failed');
  });
});
