// Gateway nodes sharing one PostgreSQL schema, each listening on its own port with its own fake WhatsApp,
// for suites about what several nodes do together. Close them with close().
import { createGateway, type Gateway } from '../../src/app/index.js';
import { createLogger } from '../../src/app/logger.js';
import { loadConfig } from '../../src/config/index.js';
import { openStorage } from '../../src/storage/index.js';
import { FakeWhatsApp } from './fake-whatsapp.js';
import { openTestStorage, POSTGRES_URL, TEST_SECRET_KEY, type TestStorage } from './test-storage.js';

export interface PostgresNodes {
  shared: TestStorage;
  nodes: Gateway[];
  whatsapps: FakeWhatsApp[];
  urlOf(node: Gateway): string;
  close(): Promise<void>;
}

/** `count` listening nodes on a fresh schema; every node gets `env` and the test secret key. */
export async function startPostgresNodes(env: Record<string, string>, count = 2): Promise<PostgresNodes> {
  const shared = await openTestStorage();
  const schema = new URL(shared.databaseUrl).searchParams.get('options')!.replace('-c search_path=', '');
  const nodes: Gateway[] = [];
  const whatsapps: FakeWhatsApp[] = [];
  const config = loadConfig({ env: { PORT: '0', HOST: '127.0.0.1', SWITCHBOARD_SECRET_KEY: TEST_SECRET_KEY, LOG_LEVEL: 'silent', ...env } });
  for (let index = 0; index < count; index += 1) {
    const storage = index === 0 ? shared.storage : await openStorage({ databaseUrl: POSTGRES_URL!, dataDir: '', poolSize: 5, schema });
    const whatsapp = new FakeWhatsApp();
    const gateway = await createGateway({ config, storage, logger: createLogger('silent'), whatsappClients: whatsapp });
    await gateway.listen();
    nodes.push(gateway);
    whatsapps.push(whatsapp);
  }
  return {
    shared,
    nodes,
    whatsapps,
    urlOf: (node) => `http://127.0.0.1:${(node.http.server.address() as { port: number }).port}`,
    async close() {
      for (const node of nodes) await node.close().catch(() => undefined);
      await shared.close().catch(() => undefined);
    },
  };
}
