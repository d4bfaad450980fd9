// A gateway node of bench:load, in its own process: SQLite in BENCH_DATA_DIR, or the PostgreSQL of
// DATABASE_URL. The first node creates the account and demo project; a node given BENCH_JOIN (the first
// node's printed line) serves the same database and answers with the same credentials.
import { createGateway, ensureAccount } from '../dist/app/index.js';
import { loadConfig } from '../dist/config/index.js';

// Exit cleanly on SIGTERM so that profilers (--cpu-prof) can write their output.
process.on('SIGTERM', () => process.exit(0));

const config = loadConfig({
  env: {
    PORT: '0',
    HOST: '127.0.0.1',
    SWITCHBOARD_DATA_DIR: process.env.BENCH_DATA_DIR,
    SWITCHBOARD_INITIAL_CREDITS: '100000000',
    SWITCHBOARD_AUTH_FAILURE_LIMIT: '0',
    LOG_LEVEL: 'warn',
    SWITCHBOARD_PUBLIC_URL: '',
    // Every PostgreSQL node needs the same sealing key.
    SWITCHBOARD_SECRET_KEY: 'a'.repeat(64),
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  },
});
const gateway = await createGateway({ config });
const joined = process.env.BENCH_JOIN ? JSON.parse(process.env.BENCH_JOIN) : undefined;
let credentials = joined;
if (!credentials) {
  const report = await ensureAccount(gateway);
  const project = await gateway.storage.stores.projects.findById(report.demo.projectId);
  credentials = { token: report.demo.apiToken, licenseKey: project.licenseKey, projectId: project.id };
}
const url = await gateway.listen();
process.stdout.write(`${JSON.stringify({ ready: true, url, token: credentials.token, licenseKey: credentials.licenseKey, projectId: credentials.projectId, pid: process.pid })}\n`);
