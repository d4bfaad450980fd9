// End to end with a modem: a gateway (SQLite, or PostgreSQL when DATABASE_URL is set), the built
// `switchboard agent --driver modem` as its device, and a simulated modem on a socat pseudo-terminal.
// A push on application 3 reaches the modem as a PDU; its status report flows back to delivery-report
// and the event webhook; an SMS the modem receives reaches the global webhook.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from './support/agents.js';
import { buildCli, type BuiltCli } from './support/built-cli.js';
import { startListeningGateway, type ListeningGateway } from './support/listening-gateway.js';
import { SimModem } from './support/sim-modem.js';
import { HAS_SOCAT, NO_SOCAT_MESSAGE, startPtyPair, type PtyPair } from './support/socat-pty.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

if (!HAS_SOCAT) console.warn(NO_SOCAT_MESSAGE);

/** waitUntil, saying which step did not happen. */
async function step(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  await waitUntil(check, 30_000).catch((error: unknown) => {
    throw new Error(`${what} did not happen in time`, { cause: error });
  });
}

describe.skipIf(!HAS_SOCAT)('a GSM modem as a device of a project', () => {
  let cli: BuiltCli;
  let g: ListeningGateway;
  let receiver: WebhookReceiver;
  let dir: string;
  let pty: PtyPair;
  let sim: SimModem;
  let agent: ChildProcess;
  const lines: Record<string, unknown>[] = [];

  beforeAll(async () => {
    cli = await buildCli();
    g = await startListeningGateway({ SWITCHBOARD_WEBHOOK_POLL_MS: '50', SWITCHBOARD_DISPATCH_POLL_MS: '50', SWITCHBOARD_WEBHOOK_BATCH_MS: '50' });
    receiver = await startWebhookReceiver();
    const hooks = await g.t.post('pm/set-webhook', { token: g.t.masterToken, project_id: g.t.projectId, global_webhook: `${receiver.url}/inbound`, event_webhook: `${receiver.url}/events` });
    expect(hooks.status).toBe(100);
    dir = mkdtempSync(join(tmpdir(), 'modem-e2e-'));
    pty = await startPtyPair(dir);
    sim = await SimModem.open(pty.simPath);
    agent = spawn(process.execPath, [cli.bin, 'agent', '--server', g.url, '--license', g.licenseKey, '--device-id', 'usb-modem', '--delay-ms', '0', '--driver', 'modem', '--modem-port', pty.modemPath], {
      env: { ...process.env, LOG_LEVEL: 'warn' },
    });
    let rest = '';
    agent.stdout!.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop()!;
      for (const line of parts) lines.push(JSON.parse(line));
    });
    agent.stderr!.resume();
    await waitUntil(() => lines.some((line) => line.event === 'ready') && lines.some((line) => line.event === 'modem' && line.state === 'ready'), 20_000);
  }, 180_000);

  afterAll(async () => {
    if (agent && agent.exitCode === null && agent.signalCode === null) {
      agent.kill('SIGTERM');
      await once(agent, 'exit');
    }
    await sim?.close();
    await pty?.stop();
    await g?.close();
    await receiver?.close();
    cli?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('sends a push on application 3 through the modem and reports its delivery to delivery-report and the event webhook', async () => {
    const text = 'Your code is 4711 — valid for 10 minutes. Ответьте «да», чтобы подтвердить.';
    const pushed = await g.t.post('push', { token: g.t.apiToken, application: 3, globalmessage: text, data: [{ number: '15550001111' }] });
    expect(pushed.status).toBe(100);
    // 77 characters outside GSM-7: two UCS-2 parts.
    await step('the modem receiving both parts', () => sim.submitted.length === 2);
    expect(sim.submitted.map((part) => part.text).join('')).toBe(text);
    expect(sim.submitted[0]).toMatchObject({ to: '+15550001111', isStatusReportRequested: true, dcs: 8 });
    await step('delivery-report saying delivered', async () => {
      const report = await g.t.post('delivery-report', { token: g.t.apiToken, push_id: pushed.push_id });
      return report.data?.[0]?.status === '1';
    });
    await step('the event webhook receiving delivered', () => receiver.calls.some((call) => call.path === '/events' && JSON.stringify(call.fields).includes('"state":"delivered"')));
    const delivered = receiver.calls.filter((call) => call.path === '/events').flatMap((call) => (call.fields as { data: Record<string, unknown>[] }).data).find((item) => item.state === 'delivered');
    expect(delivered).toMatchObject({ push_id: String(pushed.push_id), number: '15550001111', status: '1' });
  }, 120_000);

  it('forwards an SMS the modem receives to the global webhook', async () => {
    sim.receive('+15557770000', 'Yes, confirmed. Thank you!');
    await step('the global webhook receiving the SMS', () => receiver.calls.some((call) => call.path === '/inbound'));
    const call = receiver.calls.find((each) => each.path === '/inbound')!;
    expect(call.fields).toMatchObject({ number: '15557770000', message_in_raw: 'Yes, confirmed. Thank you!', application: 3, type: 1 });
    await step('the modem deleting the message it read', () => sim.stored() === 0);
  }, 60_000);

  it('shows the modem in device-status with its signal and operator', async () => {
    await step('device-status showing the signal', async () => (await g.t.post('device-status', { token: g.t.apiToken })).mobile_signal_strength === '65');
    expect(await g.t.post('device-status', { token: g.t.apiToken })).toMatchObject({ device_id: 'usb-modem', network_operator: 'Sim Telecom', internet_status: '4G', wifi_signal_strength: 'Not Connected' });
  }, 60_000);
});
