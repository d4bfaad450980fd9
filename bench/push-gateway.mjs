// The gateway under test, in its own process, on a fresh SQLite file. Until a real channel serves
// application 1 in this build, a channel that only declares the phone's capabilities lets pushes route;
// the push path measured here (read, check, route, price, commit) never calls its send.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, ensureAccount } from '../dist/app/index.js';
import { loadConfig } from '../dist/config/index.js';
import { NO_CAPABILITIES } from '../dist/core/index.js';

const acceptOnly = {
  name: 'bench-accept-only',
  kinds: [1],
  capabilities: () => ({ ...NO_CAPABILITIES, supportsText: true, supportsMedia: true }),
  send: async () => ({ outcome: 'failed', isRetryable: true, reason: 'bench channel does not send' }),
};

const config = loadConfig({
  env: {
    PORT: process.argv[2] ?? '0',
    HOST: '127.0.0.1',
    SWITCHBOARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-bench-gw-')),
    SWITCHBOARD_INITIAL_CREDITS: '100000000',
    SWITCHBOARD_AUTH_FAILURE_LIMIT: '0',
    LOG_LEVEL: 'warn',
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  },
});
const gateway = await createGateway({ config, channels: [acceptOnly] });
const report = await ensureAccount(gateway);
const url = await gateway.listen();
process.stdout.write(`${JSON.stringify({ ready: true, port: new URL(url).port, token: report.demo.apiToken })}\n`);
