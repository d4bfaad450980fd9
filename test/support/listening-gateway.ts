// A test gateway listening on a real port, for suites that connect devices over WebSocket: its URL, the
// demo project's license key, and clean-up of everything a suite connected.
import { startTestGateway, type TestGateway, type TestGatewayOptions } from './test-gateway.js';

export interface ListeningGateway {
  t: TestGateway;
  url: string;
  licenseKey: string;
  /** Registers something to close before the gateway (devices, agents). */
  track(close: () => Promise<unknown>): void;
  close(): Promise<void>;
}

export async function startListeningGateway(env: Record<string, string> = {}, options: Omit<TestGatewayOptions, 'env'> = {}): Promise<ListeningGateway> {
  const t = await startTestGateway({ ...options, env: { PORT: '0', HOST: '127.0.0.1', SWITCHBOARD_PUBLIC_URL: '', ...env } });
  await t.gateway.listen();
  const url = `http://127.0.0.1:${(t.gateway.http.server.address() as { port: number }).port}`;
  const licenseKey = (await t.gateway.storage.stores.projects.findById(t.projectId))!.licenseKey;
  const closers: (() => Promise<unknown>)[] = [];
  return {
    t,
    url,
    licenseKey,
    track: (close) => closers.push(close),
    async close() {
      for (const close of closers.splice(0)) await close();
      await t.gateway.close();
      await t.test.close().catch(() => undefined);
    },
  };
}
