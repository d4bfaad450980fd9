// A listening test gateway with a fake WhatsApp, webhook receivers and a local media server, and the
// steps WhatsApp Web suites share: pairing a session, pushing, waiting for states.
import type { HostResolver } from '../../src/core/index.js';
import { FakeWhatsApp, type FakeSocket } from './fake-whatsapp.js';
import { startListeningGateway, type ListeningGateway } from './listening-gateway.js';
import { waitUntil } from './agents.js';
import { startWebhookReceiver, type WebhookReceiver } from './webhook-receiver.js';

export const WEB_ENV = {
  SWITCHBOARD_WHATSAPP_WEB_GAP_MIN_MS: '0',
  SWITCHBOARD_WHATSAPP_WEB_GAP_MAX_MS: '0',
  SWITCHBOARD_WHATSAPP_WEB_RECONNECT_MIN_MS: '1',
  SWITCHBOARD_WHATSAPP_WEB_RECONNECT_MAX_MS: '5',
  SWITCHBOARD_WHATSAPP_WEB_QR_WAIT_MS: '3000',
  SWITCHBOARD_WEBHOOK_POLL_MS: '50',
  SWITCHBOARD_WEBHOOK_BATCH_MS: '0',
  SWITCHBOARD_DISPATCH_POLL_MS: '50',
};

export interface WebSuite {
  g: ListeningGateway;
  whatsapp: FakeWhatsApp;
  hooks: WebhookReceiver;
  post(endpoint: string, body: Record<string, unknown>): Promise<Record<string, any>>;
  /** Starts the project's session through the QR API, scans the code and waits for CONNECTED. */
  pair(number?: string): Promise<FakeSocket>;
  status(): Promise<Record<string, any>>;
  close(): Promise<void>;
}

/** `env` adds to WEB_ENV; `resolveHost` stands in for DNS (URL policy and connect-time guard alike). */
export async function startWebSuite(options: { env?: Record<string, string>; resolveHost?: HostResolver } = {}): Promise<WebSuite> {
  const whatsapp = new FakeWhatsApp();
  const g = await startListeningGateway({ ...WEB_ENV, ...options.env }, { whatsappClients: whatsapp, ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}) });
  const hooks = await startWebhookReceiver();
  const post = (endpoint: string, body: Record<string, unknown>) => g.t.post(endpoint, { token: g.t.apiToken, ...body });
  const status = () => post('device-status', { application: 10 });
  return {
    g,
    whatsapp,
    hooks,
    post,
    status,
    async pair(number = '15557654321') {
      const qr = await post('whatsapp-qr', { application: 10 });
      if (!qr.qr_code) throw new Error(`no QR code: ${JSON.stringify(qr)}`);
      await whatsapp.current.scan(number);
      await waitUntil(async () => (await status()).status === 'CONNECTED');
      return whatsapp.current;
    },
    async close() {
      await g.close();
      await hooks.close();
    },
  };
}
