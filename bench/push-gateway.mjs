// The gateway under test, in its own process, on a fresh SQLite file. No phone is paired, so pushes
// for application 1 are accepted and stay queued: the path measured is read, check, route, price, commit.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, ensureAccount } from '../dist/app/index.js';
import { loadConfig } from '../dist/config/index.js';

// Exit cleanly on SIGTERM so that profilers (--cpu-prof) can write their output.
process.on('SIGTERM', () => process.exit(0));

const config = loadConfig({
  env: {
    PORT: process.argv[2] ?? '0',
    HOST: '127.0.0.1',
    SWITCHBOARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-bench-gw-')),
    SWITCHBOARD_INITIAL_CREDITS: '100000000',
    SWITCHBOARD_AUTH_FAILURE_LIMIT: '0',
    LOG_LEVEL: 'warn',
    SWITCHBOARD_PUBLIC_URL: '',
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
    // bench:webhooks posts to a receiver on 127.0.0.1.
    ...(process.env.SWITCHBOARD_ALLOW_PRIVATE_URLS ? { SWITCHBOARD_ALLOW_PRIVATE_URLS: process.env.SWITCHBOARD_ALLOW_PRIVATE_URLS } : {}),
    // bench:meta points the Meta channels at its fake Graph server and lifts their pacing.
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => name.startsWith('SWITCHBOARD_META_'))),
  },
});
const gateway = await createGateway({ config });
const report = await ensureAccount(gateway);
const url = await gateway.listen();
const project = await gateway.storage.stores.projects.findById(report.demo.projectId);
process.stdout.write(`${JSON.stringify({ ready: true, port: new URL(url).port, token: report.demo.apiToken, licenseKey: project.licenseKey, projectId: project.id, masterToken: report.masterToken, pid: process.pid })}\n`);
