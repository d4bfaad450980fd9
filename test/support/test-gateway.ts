// A gateway on real storage for HTTP suites, driven through app.inject(): a known master token, the
// demo project's API token, and a helper that posts Picky requests.
import type { LightMyRequestResponse } from 'fastify';
import { createGateway, ensureAccount, type Gateway } from '../../src/app/index.js';
import { createLogger, type Logger } from '../../src/app/logger.js';
import { loadConfig } from '../../src/config/index.js';
import type { Channel, Clock, HostResolver } from '../../src/core/index.js';
import { FakeWhatsApp } from './fake-whatsapp.js';
import { SwitchboardClient } from '../../src/client/index.js';
import { openTestStorage, TEST_SECRET_KEY, type TestStorage } from './test-storage.js';
import type { WaClientFactory } from '../../src/channels/whatsapp-web/index.js';

export const MASTER_TOKEN = 'test-master-token-0123456789abcdef';

export interface TestGateway {
  gateway: Gateway;
  test: TestStorage;
  masterToken: string;
  /** The demo project's id and API token. */
  projectId: number;
  apiToken: string;
  /** POSTs JSON to /api/v2/<endpoint> and answers the parsed body. */
  post(endpoint: string, body: unknown, options?: { remoteAddress?: string; headers?: Record<string, string> }): Promise<Record<string, any>>;
  /** The typed client (switchboard/client) with the demo project's and the master token, answered in process. */
  client: SwitchboardClient;
  inject: Gateway['http']['inject'];
  close(): Promise<void>;
}

export interface TestGatewayOptions {
  env?: Record<string, string>;
  channels?: Channel[];
  clock?: Clock;
  resolveHost?: HostResolver;
  /** WhatsApp Web sockets: a fake unless given; no test gateway ever reaches WhatsApp. */
  whatsappClients?: WaClientFactory;
  /** An already opened test storage (a restarted gateway on the same database). */
  storage?: TestStorage;
  /** Where the gateway logs (a recording logger); silent unless TEST_LOG_LEVEL is set. */
  logger?: Logger;
}

export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const test = options.storage ?? (await openTestStorage());
  const config = loadConfig({
    env: {
      SWITCHBOARD_MASTER_TOKEN: MASTER_TOKEN,
      SWITCHBOARD_SECRET_KEY: TEST_SECRET_KEY,
      SWITCHBOARD_ALLOW_PRIVATE_URLS: 'true',
      SWITCHBOARD_PUBLIC_URL: 'http://gateway.test:8080',
      LOG_LEVEL: 'silent',
      ...options.env,
    },
  });
  const gateway = await createGateway({
    config,
    storage: test.storage,
    logger: options.logger ?? createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
    ...(options.channels ? { channels: options.channels } : {}),
    whatsappClients: options.whatsappClients ?? new FakeWhatsApp(),
  });
  const report = await ensureAccount(gateway);
  const post = async (endpoint: string, body: unknown, postOptions: { remoteAddress?: string; headers?: Record<string, string> } = {}) => {
    const response: LightMyRequestResponse = await gateway.http.inject({
      method: 'POST',
      url: `/api/v2/${endpoint}`,
      payload: body as Record<string, unknown>,
      ...(postOptions.remoteAddress ? { remoteAddress: postOptions.remoteAddress } : {}),
      ...(postOptions.headers ? { headers: postOptions.headers } : {}),
    });
    return response.json();
  };
  const client = new SwitchboardClient({
    baseUrl: 'http://gateway.test:8080',
    token: report.demo!.apiToken,
    masterToken: MASTER_TOKEN,
    fetch: async (url, init) => {
      const response = await gateway.http.inject({ method: 'POST', url: new URL(url).pathname, headers: init.headers, payload: init.body });
      return { status: response.statusCode, text: async () => response.body };
    },
  });
  return {
    gateway,
    test,
    client,
    masterToken: MASTER_TOKEN,
    projectId: report.demo!.projectId,
    apiToken: report.demo!.apiToken,
    post,
    inject: gateway.http.inject.bind(gateway.http),
    async close() {
      await gateway.http.close();
      await test.close();
    },
  };
}

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private current = Date.UTC(2026, 0, 15, 10, 0, 0)) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}
