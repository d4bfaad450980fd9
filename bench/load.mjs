// npm run bench:load — whole-path throughput while phones receive. In one run, rounds that interleave:
//   - the ceiling: a bare Fastify JSON echo;
//   - single-recipient pushes with no phone connected (accept path only);
//   - the same pushes while 1 and 10 simulated phones (`switchboard agent --delay-ms 0`, each in its own
//     process, as users run them) take every message.
// Each reports accepted req/s and p50/p99 (autocannon, in its own process), messages that reached a phone
// per second during the load, and the CPU time per message of the gateway and of the phones (from
// /proc/<pid>/stat, before and after the measured run). Every gateway starts on a fresh database.
// With DATABASE_URL (PostgreSQL): BENCH_NODES gateway processes (default 2) share a fresh schema, the
// load is split between them and the phones are spread over them.
// Knobs: BENCH_ROUNDS (3), BENCH_DURATION (8 s), BENCH_WARMUP (5 s: a fresh gateway on a 2-core machine reaches its steady rate about 2.5 s into the load), BENCH_CONNECTIONS (50),
// BENCH_PHONES ("0,1,10"), BENCH_DRAIN (30 s), BENCH_PROFILE=<dir> (the gateways' and phones' --cpu-prof output),
// BENCH_GENERATOR=autocannon (wrk -t1 is used when installed), BENCH_RATE=<requests/s> (a fixed rate instead of as fast as answered: the CPU per message then compares
// changes on a busy machine), BENCH_NODE_ARGS="<node options>" (added to each gateway's, e.g. --heap-prof or --max-semi-space-size=32), BENCH_SQLPROF=<module> (loaded into each gateway first with --import: ./bench/probes/statement-timer.mjs times the SQLite statements, ./bench/probes/request-timer.mjs the gateway's own hold on each request, ./bench/probes/loop-delay.mjs how long the event loop's turns run).
import Database from 'better-sqlite3';
import { hasWrk } from './wrk-run.mjs';
import { firstLine, stop } from './child-processes.mjs';
import { freshSchema } from './postgres-schema.mjs';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 8);
const WARMUP_S = Number(process.env.BENCH_WARMUP ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const PHONES = (process.env.BENCH_PHONES ?? '0,1,10').split(',').map(Number);
const DRAIN_S = Number(process.env.BENCH_DRAIN ?? 30);
const PROFILE_DIR = process.env.BENCH_PROFILE;
const DATABASE_URL = process.env.DATABASE_URL;
const NODES = DATABASE_URL ? Number(process.env.BENCH_NODES ?? 2) : 1;
/** Requests per second for every scenario instead of as many as the server answers (0: no limit). */
const RATE = Number(process.env.BENCH_RATE ?? 0);
const CLOCK_TICKS_PER_S = 100;
/** The Node option `npm start` gives the gateway (if any), read from package.json so the two cannot drift apart. */
const GATEWAY_NODE_OPTIONS = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts.start.match(/--max-semi-space-size=\d+/g) ?? [];
/** The text of every push: 250 characters, as in the issue's measurement and the Kannel peer's. */
const TEXT = 'Bench load message '.padEnd(250, 'x');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const children = new Set();

function spawnNode(args, env = {}, execArgv = []) {
  const child = spawn(process.execPath, [...execArgv, ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** User + system CPU seconds of a process so far (all its threads). */
function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
}
const totalCpu = (pids) => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);

/** Runs the load generator against `urls`; `onStart` runs when the measured part begins. */
async function generate(urls, body, onStart) {
  const child = spawnNode([new URL('./load-generator.mjs', import.meta.url).pathname, JSON.stringify({ urls, body, connections: CONNECTIONS, durationS: DURATION_S, warmupS: WARMUP_S, rate: RATE, generator: process.env.BENCH_GENERATOR })]);
  const lines = createInterface({ input: child.stdout });
  let result;
  let startedAt = 0;
  for await (const line of lines) {
    const message = JSON.parse(line);
    if (message.phase === 'start') {
      startedAt = performance.now();
      onStart();
    } else if (message.phase === 'done') {
      result = { ...message, seconds: (performance.now() - startedAt) / 1000 };
      break;
    }
  }
  await stop(child);
  return result;
}

// ---- databases ----
async function freshDatabase() {
  if (!DATABASE_URL) {
    const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-load-'));
    return {
      env: { BENCH_DATA_DIR: dataDir },
      states: async () => {
        const db = new Database(join(dataDir, 'switchboard.db'), { readonly: true });
        try {
          return Object.fromEntries(db.prepare('select state, count(*) as n from messages group by state').all().map((row) => [row.state, row.n]));
        } finally {
          db.close();
        }
      },
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const { schema, client, databaseUrl, drop } = await freshSchema(DATABASE_URL, 'bench_load');
  return {
    env: { DATABASE_URL: databaseUrl, BENCH_DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-bench-load-')) },
    states: async () => Object.fromEntries((await client.query(`select state, count(*)::int as n from "${schema}".messages group by state`)).rows.map((row) => [row.state, row.n])),
    drop,
  };
}

// ---- phones ----
/** Starts `count` agents, each in its own process, spread over the nodes; counts the messages they take. */
async function startPhones(count, nodes, env) {
  const phones = { processes: [], delivered: 0 };
  const cli = new URL('../bin/switchboard.js', import.meta.url).pathname;
  const pattern = '"event":"message"';
  await Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const node = nodes[index % nodes.length];
      const profile = PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR, '--cpu-prof-name', `phone-${index}-of-${count}-${Date.now()}.cpuprofile`] : [];
      const child = spawnNode([cli, 'agent', '--server', node.info.url, '--license', node.info.licenseKey, '--delay-ms', '0', '--device-id', `load-phone-${index}`], { LOG_LEVEL: 'warn', SWITCHBOARD_DATA_DIR: env.BENCH_DATA_DIR }, profile);
      phones.processes.push(child);
      let tail = '';
      let isReady = false;
      await new Promise((resolve, reject) => {
        child.once('exit', () => reject(new Error(`phone ${index} exited`)));
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (chunk) => {
          // Counted by a substring scan, not by parsing every line: this process must stay light.
          const text = tail + chunk;
          for (let at = text.indexOf(pattern); at !== -1; at = text.indexOf(pattern, at + 1)) phones.delivered += 1;
          tail = text.slice(-(pattern.length - 1));
          if (!isReady && text.includes('"event":"ready"')) {
            isReady = true;
            resolve();
          }
        });
      });
    }),
  );
  return phones;
}

// ---- scenarios ----
async function echoScenario() {
  const server = spawnNode([new URL('./reference-server.mjs', import.meta.url).pathname, '0']);
  const info = await firstLine(server);
  let cpuBefore = 0;
  const body = JSON.stringify({ token: 'x', application: 1, globalmessage: TEXT, data: [{ number: '{NUMBER}' }] });
  const result = await generate([`http://127.0.0.1:${info.port}/echo`], body, () => (cpuBefore = cpuSeconds(server.pid)));
  const cpu = cpuSeconds(server.pid) - cpuBefore;
  await stop(server);
  return { name: 'echo', ...result, server_cpu_us_per_request: Math.round((cpu * 1e6) / result.ok) };
}

async function pushScenario(phoneCount) {
  const database = await freshDatabase();
  const nodes = [];
  const execArgv = (index) => [
    // As `npm start` runs the gateway (see docs/operations.md); BENCH_NODE_ARGS, later, may change it.
    ...GATEWAY_NODE_OPTIONS,
    ...(PROFILE_DIR ? ['--cpu-prof', '--cpu-prof-dir', PROFILE_DIR, '--cpu-prof-name', `gateway-${phoneCount}phones-node${index}-${Date.now()}.cpuprofile`] : []),
    ...(process.env.BENCH_SQLPROF ? ['--import', process.env.BENCH_SQLPROF] : []),
    ...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ').filter(Boolean) : []),
  ];
  const script = new URL('./load-gateway.mjs', import.meta.url).pathname;
  const first = spawnNode([script], database.env, execArgv(0));
  nodes.push({ child: first, info: await firstLine(first) });
  for (let index = 1; index < NODES; index += 1) {
    const child = spawnNode([script], { ...database.env, BENCH_JOIN: JSON.stringify(nodes[0].info) }, execArgv(index));
    nodes.push({ child, info: await firstLine(child) });
  }
  const phones = await startPhones(phoneCount, nodes, database.env);
  const gatewayPids = nodes.map((node) => node.child.pid);
  const phonePids = phones.processes.map((child) => child.pid);
  const body = JSON.stringify({ token: nodes[0].info.token, application: 1, globalmessage: TEXT, data: [{ number: '{NUMBER}' }] });
  let before;
  const result = await generate(
    nodes.map((node) => `${node.info.url}/api/v2/push`),
    body,
    () => (before = { gateway: totalCpu(gatewayPids), phones: totalCpu(phonePids), delivered: phones.delivered }),
  );
  const gatewayCpu = totalCpu(gatewayPids) - before.gateway;
  const phonesCpu = totalCpu(phonePids) - before.phones;
  const deliveredDuringLoad = phones.delivered - before.delivered;
  // Then every accepted message must reach a phone (once): wait for the backlog to drain.
  // Requests cut at the end of the run may still be committing: the count settles first.
  let drainS = null;
  await sleep(500);
  let states = await database.states();
  const total = () => Object.values(states).reduce((sum, n) => sum + n, 0);
  if (phoneCount > 0) {
    const drainStarted = performance.now();
    while (phones.delivered < total() && performance.now() - drainStarted < DRAIN_S * 1000) await sleep(100);
    // The last reports may still be on their way to the database.
    for (let tries = 0; tries < 50 && (states = await database.states()).delivered !== total(); tries += 1) await sleep(100);
    drainS = +((performance.now() - drainStarted) / 1000).toFixed(1);
  }
  const accepted = total();
  await Promise.all(phones.processes.map(stop));
  await Promise.all(nodes.map((node) => stop(node.child)));
  await database.drop();
  return {
    name: `push, ${phoneCount} phone${phoneCount === 1 ? '' : 's'}`,
    ...result,
    delivered_per_s: Math.round(deliveredDuringLoad / result.seconds),
    delivered_share: phoneCount > 0 ? +(deliveredDuringLoad / result.ok).toFixed(2) : null,
    gateway_cpu_us_per_message: Math.round((gatewayCpu * 1e6) / result.ok),
    phones_cpu_us_per_message: deliveredDuringLoad > 0 ? Math.round((phonesCpu * 1e6) / deliveredDuringLoad) : null,
    accepted_total: accepted,
    at_phones_total: phones.delivered,
    states_after: states,
    drain_s: drainS,
  };
}

function line(row, echoRps) {
  const ratio = (row.rps / echoRps).toFixed(2);
  const parts = [`${row.name.padEnd(16)} ${String(row.rps).padStart(6)} req/s  ×${ratio} echo  p50 ${row.p50} ms  p99 ${row.p99} ms`];
  if (row.non2xx || row.errors || row.timeouts) parts.push(`non-2xx ${row.non2xx} errors ${row.errors} timeouts ${row.timeouts}`);
  if (row.server_cpu_us_per_request !== undefined) parts.push(`server ${row.server_cpu_us_per_request} µs/req`);
  if (row.gateway_cpu_us_per_message !== undefined) parts.push(`gateway ${row.gateway_cpu_us_per_message} µs/msg`);
  if (row.delivered_share !== null && row.delivered_share !== undefined) {
    parts.push(`delivered ${row.delivered_per_s}/s (${Math.round(row.delivered_share * 100)} % of accepted)  phones ${row.phones_cpu_us_per_message} µs/msg  drained in ${row.drain_s} s, ${row.states_after.delivered ?? 0}/${row.accepted_total} delivered, ${row.at_phones_total} at phones`);
  }
  return parts.join('  ');
}

process.on('SIGINT', () => {
  for (const child of children) child.kill('SIGKILL');
  process.exit(130);
});

const loadavg = readFileSync('/proc/loadavg', 'utf8').trim();
console.log(`bench:load — ${DATABASE_URL ? `PostgreSQL, ${NODES} gateway processes` : 'SQLite'}; ${ROUNDS} rounds of ${DURATION_S} s (+${WARMUP_S} s warm-up), ${CONNECTIONS} connections (${RATE === 0 && process.env.BENCH_GENERATOR !== 'autocannon' && hasWrk() ? 'wrk -t1' : 'autocannon'} in its own process); load average at start: ${loadavg}`);
const rounds = [];
try {
  for (let round = 1; round <= ROUNDS; round += 1) {
    const rows = [await echoScenario()];
    for (const phones of PHONES) rows.push(await pushScenario(phones));
    const echoRps = rows[0].rps;
    for (const row of rows) row.ratio_to_echo = +(row.rps / echoRps).toFixed(2);
    console.log(`round ${round}`);
    for (const row of rows) console.log(`  ${line(row, echoRps)}`);
    rounds.push(rows);
  }
} finally {
  for (const child of children) child.kill('SIGKILL');
}
console.log('medians over rounds');
for (let index = 0; index < rounds[0].length; index += 1) {
  const rows = rounds.map((rowsOfRound) => rowsOfRound[index]);
  const pick = (key) => median(rows.map((row) => row[key]));
  console.log(`  ${rows[0].name.padEnd(16)} ${pick('rps')} req/s  ×${pick('ratio_to_echo')} echo  p50 ${pick('p50')} ms  p99 ${pick('p99')} ms${rows[0].delivered_share != null ? `  delivered ${pick('delivered_per_s')}/s (${Math.round(pick('delivered_share') * 100)} %)` : ''}`);
}
console.log(JSON.stringify({ database: DATABASE_URL ? 'postgres' : 'sqlite', nodes: NODES, loadavg, duration_s: DURATION_S, connections: CONNECTIONS, rounds }));
