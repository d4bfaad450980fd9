// End to end: a gateway, and reference bridge agents paired to it as simulated phones.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parsePairingUri } from '../src/qr/index.js';
import { createTestAgent, waitUntil, type TestAgent } from './support/agents.js';
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

async function startAgent(deviceId: string, extra: Record<string, unknown> = {}): Promise<TestAgent> {
  const agent = createTestAgent({ serverUrl: url, licenseKey, deviceId, delayMs: 0, ...extra });
  g.track(() => agent.agent.stop());
  await agent.agent.start();
  return agent;
}
const push = (body: Record<string, unknown>) => t.post('push', { token: t.apiToken, application: 1, ...body });
const states = async (pushId: string) => (await t.gateway.storage.stores.messages.listByPush(Number(pushId))).map((m) => m.state);

describe('a paired simulated phone', () => {
  it('pairs from the project QR text and delivers single and bulk pushes, high priority first', async () => {
    const project = (await t.post('pm/get-projects', { token: t.masterToken, project_id: t.projectId })).data[0];
    expect(project.license_key).toBe(licenseKey);
    const pairing = parsePairingUri(`switchboard://pair?server=${encodeURIComponent(url)}&license=${licenseKey}`)!;
    // Queue first, so that order is decided by priority and age rather than by arrival.
    const low = await push({ globalmessage: 'bulk low', data: [{ number: '15550001111' }, { number: '15550002222' }] });
    const high = await push({ priority: 1, globalmessage: 'single high', data: [{ number: '15550003333' }] });
    const phone = createTestAgent({ serverUrl: pairing.serverUrl, licenseKey: pairing.licenseKey, deviceId: 'qr-phone', delayMs: 0 });
    g.track(() => phone.agent.stop());
    await phone.agent.start();
    await phone.waitFor(() => phone.messages().length === 3);
    expect(phone.messages().map((m) => m.text)).toEqual(['single high', 'bulk low', 'bulk low']);
    await waitUntil(async () => [...(await states(low.push_id)), ...(await states(high.push_id))].every((state) => state === 'delivered'));
    const timeline = await t.gateway.services.messages.timeline(Number(high.data[0].msg_id));
    expect(timeline.map((event) => event.state)).toEqual(['queued', 'sending', 'submitted', 'delivered']);
    const report = await t.post('delivery-report', { token: t.apiToken, push_id: low.push_id });
    expect(report.data.map((row: { status: string }) => row.status)).toEqual(['1', '1']);
  });

  it('asks the phone to save the number first only when the push says createcontact', async () => {
    const phone = await startAgent('contact-phone');
    await push({ globalmessage: 'saved', createcontact: 1, data: [{ number: '15550004444' }] });
    await phone.waitFor(() => phone.messages().length === 1);
    await push({ globalmessage: 'plain', data: [{ number: '15550005555' }] });
    await phone.waitFor(() => phone.messages().length === 2);
    expect(phone.messages().map((m) => [m.text, m.create_contact])).toEqual([['saved', true], ['plain', undefined]]);
  });

  it('paces messages by the delay the phone declares', async () => {
    const phone = await startAgent('slow-phone', { delayMs: 300 });
    await push({ globalmessage: 'paced', data: [{ number: '15550001111' }, { number: '15550002222' }, { number: '15550003333' }] });
    const seen: number[] = [];
    await phone.waitFor(() => {
      while (seen.length < phone.messages().length) seen.push(performance.now());
      return seen.length === 3;
    });
    // Lower bounds only, and well under the 300 ms delay: arrivals are seen through a polling wait and
    // network jitter, which can shorten a measured gap; without pacing the gaps would be a few ms.
    // (test/device-api.test.ts checks the exact delay against the gateway's own clock.)
    expect(seen[1]! - seen[0]!).toBeGreaterThanOrEqual(200);
    expect(seen[2]! - seen[1]!).toBeGreaterThanOrEqual(200);
  });

  it('stores inbound messages the phone forwards, once', async () => {
    const phone = await startAgent('phone-1');
    const id = phone.agent.injectInbound({ number: '15550009999', text: 'Hi there', type: 1, application: 1, name: 'Bob' });
    await phone.waitFor(() => phone.events.some((event) => event.event === 'inbound_acked' && (event as Record<string, unknown>).id === id));
    const stored = await t.gateway.services.inbound.list(t.projectId, 10);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ sender: '15550009999', senderName: 'Bob', text: 'Hi there', externalId: id });
  });

  it('shows the heartbeat in device-status', async () => {
    const phone = await startAgent('phone-1', { phoneName: 'Pixel 9' });
    phone.agent.setStatus({ battery: 55, charging: false, wifi: 80, internet: 'WIFI', free_disk_mb: 900 });
    await waitUntil(async () => (await t.post('device-status', { token: t.apiToken })).battery_percentage === '55');
    expect(await t.post('device-status', { token: t.apiToken })).toMatchObject({ phone_name: 'Pixel 9', charging_state: 'Not Charging', wifi_signal_strength: '80', internet_status: 'WIFI', free_disk_space: '900 MB' });
  });

  it('obeys every device command', async () => {
    const phone = await startAgent('phone-1');
    const commands = () => phone.events.filter((event) => event.event === 'command').map((event) => (event as Record<string, unknown>).command);
    for (const command of ['stop-message-queue', 'resume-message-queue', 'stop-call-queue', 'resume-call-queue', 'delete-call-queue', 'delete-message-queue', 'reset', 'restart']) {
      expect((await t.post('device-action', { token: t.apiToken, command })).status).toBe(100);
      await phone.waitFor(() => commands().includes(command));
    }
    await phone.waitFor(() => phone.events.filter((event) => event.event === 'ready').length === 2);
    const answer = await push({ globalmessage: 'after restart', data: [{ number: '15550001111' }] });
    await waitUntil(async () => (await states(answer.push_id))[0] === 'delivered');
  });

  it('resumes after a reconnect without duplicates at the phone', async () => {
    const phone = await startAgent('phone-1', { delayMs: 50 });
    const answer = await push({ globalmessage: 'resume', data: Array.from({ length: 20 }, (_, i) => ({ number: String(15550000000 + i) })) });
    await phone.waitFor(() => phone.messages().length >= 3);
    // Drop every device connection from the gateway side, mid-queue, twice.
    t.gateway.bridge.dropConnections();
    await phone.waitFor(() => phone.events.filter((event) => event.event === 'ready').length === 2);
    t.gateway.bridge.dropConnections();
    await waitUntil(async () => (await states(answer.push_id)).every((state) => state === 'delivered'), 20_000);
    const ids = phone.messages().map((m) => m.msg_id);
    expect(new Set(ids).size).toBe(20);
    expect(ids).toHaveLength(20);
  });
});
