// What an operator reads in the log: JSON lines at info for devices pairing, connecting and leaving,
// projects expiring and webhook deliveries given up, recorded from a real gateway, with no secret in them.
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/app/logger.js';
import { startListeningGateway, type ListeningGateway } from './support/listening-gateway.js';
import { connectRawDevice, hello } from './support/raw-device.js';
import { ManualClock } from './support/test-gateway.js';
import { answer, startWebhookReceiver } from './support/webhook-receiver.js';
import { FakeWhatsApp } from './support/fake-whatsapp.js';
import { WEB_ENV } from './support/whatsapp-web.js';

interface Line {
  level: number;
  msg: string;
  [field: string]: unknown;
}

function recordingLogger(): { lines: Line[]; logger: ReturnType<typeof createLogger> } {
  const lines: Line[] = [];
  return { lines, logger: createLogger('info', { write: (line) => lines.push(JSON.parse(line) as Line) }) };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 20) {
    if (waited > 10_000) throw new Error(`no ${what} within 10 s`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const INFO = 30;
let gateway: ListeningGateway | undefined;
afterEach(async () => {
  await gateway?.close();
  gateway = undefined;
});

describe('operator log', () => {
  it('says when a device pairs, connects and disconnects, without its license key or token', async () => {
    const { lines, logger } = recordingLogger();
    gateway = await startListeningGateway({}, { logger });
    const device = await connectRawDevice(gateway.url);
    gateway.track(() => device.close());
    device.send(hello(gateway.licenseKey, 'log-phone'));
    const welcome = await device.next('welcome');
    await until(() => lines.some((line) => line.msg === 'device connected'), "'device connected' line");
    const who = { level: INFO, projectId: gateway.t.projectId, device: 'log-phone' };
    expect(lines).toContainEqual(expect.objectContaining({ ...who, msg: 'device paired', phoneName: 'Test Phone' }));
    expect(lines).toContainEqual(expect.objectContaining({ ...who, msg: 'device connected' }));

    await device.close();
    await until(() => lines.some((line) => line.msg === 'device disconnected'), "'device disconnected' line");
    expect(lines).toContainEqual(expect.objectContaining({ ...who, msg: 'device disconnected' }));

    // A reconnection with the device token is a connection, not a pairing.
    const again = await connectRawDevice(gateway.url);
    gateway.track(() => again.close());
    again.send({ ...hello('', 'log-phone'), license_key: undefined, device_token: welcome.device_token });
    await again.next('welcome');
    await until(() => lines.filter((line) => line.msg === 'device connected').length === 2, 'second connection');
    expect(lines.filter((line) => line.msg === 'device paired')).toHaveLength(1);

    const text = JSON.stringify(lines);
    expect(text).not.toContain(gateway.licenseKey);
    expect(text).not.toContain(welcome.device_token);
  });

  it('says which project expired when its wallet could not pay the renewal', async () => {
    const { lines, logger } = recordingLogger();
    const clock = new ManualClock();
    gateway = await startListeningGateway({ SWITCHBOARD_INITIAL_CREDITS: '6' }, { logger, clock });
    const { t } = gateway;
    expect(await t.post('pm/change-billing', { token: t.masterToken, project_id: t.projectId, service: 1, plan_id: 2 })).toMatchObject({ status: 100 });
    clock.advance(32 * 24 * 3600_000);
    expect(await t.gateway.services.projects.renewDue()).toEqual({ renewed: 0, expired: 1 });
    expect(lines).toContainEqual(expect.objectContaining({ level: INFO, projectId: t.projectId, msg: expect.stringMatching(/^project expired/) }));
  });

  it('says which webhook delivery was given up after its last attempt, without its URL', async () => {
    const { lines, logger } = recordingLogger();
    const clock = new ManualClock();
    gateway = await startListeningGateway({ SWITCHBOARD_WEBHOOK_POLL_MS: '600000' }, { logger, clock });
    const receiver = await startWebhookReceiver();
    gateway.track(() => receiver.close());
    const { t } = gateway;
    receiver.respond(answer(500, 'broken'));
    expect(await t.post('pm/set-webhook', { token: t.masterToken, project_id: t.projectId, global_webhook: `${receiver.url}/hook?key=receiver-secret`, webhook_retry_schedule: '10s' })).toMatchObject({ status: 100 });
    await t.gateway.services.inbound.receive({
      projectId: t.projectId, deviceId: 0, channelId: null, application: 1, externalId: 'log-in-1', sender: '15558000001', senderName: '',
      type: 1, text: 'hello', mediaUrl: '', quotedMsgId: '', details: {}, receivedAt: clock.now(),
    });
    await t.gateway.webhookDispatcher.runDue();
    clock.advance(10_000);
    await t.gateway.webhookDispatcher.runDue();
    await until(() => lines.some((line) => line.msg === 'webhook delivery exhausted'), "'webhook delivery exhausted' line");
    expect(lines).toContainEqual(expect.objectContaining({ level: INFO, msg: 'webhook delivery exhausted', projectId: t.projectId, kind: 'inbound', attempts: 2, error: 'HTTP 500' }));
    expect(lines.filter((line) => line.msg === 'webhook delivery exhausted')).toHaveLength(1);
    expect(JSON.stringify(lines)).not.toContain('receiver-secret');
  });

  it('follows a WhatsApp Web session through its states, without its QR code', async () => {
    const { lines, logger } = recordingLogger();
    const whatsapp = new FakeWhatsApp();
    gateway = await startListeningGateway(WEB_ENV, { logger, whatsappClients: whatsapp });
    const qr = await gateway.t.post('whatsapp-qr', { token: gateway.t.apiToken, application: 10 });
    expect(qr.qr_code).toMatch(/^2@/);
    await whatsapp.current.scan('15557654321');
    const states = () => lines.filter((line) => line.msg === 'WhatsApp Web session state').map((line) => line.state);
    await until(() => states().includes('connected'), "'connected' state line");
    // Once per change: QR refreshes rewrite the state without a line; pairing restarts the socket (connecting).
    expect(states()).toEqual(['connecting', 'unpaired', 'connecting', 'connected']);
    expect(lines).toContainEqual(expect.objectContaining({ level: INFO, channelId: Number(qr.channel_id), state: 'connected' }));
    expect(JSON.stringify(lines)).not.toContain(qr.qr_code);
  });
});
