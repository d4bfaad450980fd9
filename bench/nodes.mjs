// npm run bench:nodes — push → phone latency across two gateway nodes on one PostgreSQL (DATABASE_URL,
// default the local test database). One simulated phone (a reference bridge agent, delay 0, in this
// process) is connected to node B; pushes go one at a time, alternately to node B itself (the ceiling:
// the direct hand-over) and to node A, which holds no phone, so each of those must reach B across nodes.
// Reports p50/p99/max of both, in the same run. Knobs: BENCH_PUSHES (200 in all), BENCH_GAP_MS (between
// pushes, 20), SWITCHBOARD_DISPATCH_POLL_MS (the nodes' queue poll, their default when unset).
import { spawn } from 'node:child_process';
import { BridgeAgent } from '../dist/agent/index.js';
import { firstLine, stop } from './child-processes.mjs';
import { freshSchema } from './postgres-schema.mjs';
import { pushSender } from './push-request.mjs';

const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PUSHES = Number(process.env.BENCH_PUSHES ?? 200);
const GAP_MS = Number(process.env.BENCH_GAP_MS ?? 20);
/** Pushes before the measured ones, not counted: JIT and connection pools warm up. */
const WARMUP_PUSHES = 40;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
function summary(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50_ms: +percentile(sorted, 50).toFixed(2), p99_ms: +percentile(sorted, 99).toFixed(2), max_ms: +sorted.at(-1).toFixed(2) };
}

async function startNode(env) {
  const child = spawn(process.execPath, [new URL('./load-gateway.mjs', import.meta.url).pathname], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  return { child, info: await firstLine(child) };
}

const sendPush = pushSender('Hello across nodes', 4);
/** One push of one message to the node at `url`; answers its msg_id. */
const push = async (url, token, number) => (await sendPush(new URL(url).port, token, [{ number }])).data[0].msg_id;

const database = await freshSchema(DATABASE_URL, 'bench_nodes');
const env = { DATABASE_URL: database.databaseUrl };
const nodes = [];
let phone;
try {
  const a = await startNode(env);
  nodes.push(a.child);
  const b = await startNode({ ...env, BENCH_JOIN: JSON.stringify(a.info) });
  nodes.push(b.child);
  // Arrival times by msg_id: the phone may have a message before its push's answer is read.
  const arrivals = new Map();
  const waiting = new Map();
  const arrive = (msgId) => {
    const at = performance.now();
    if (waiting.has(msgId)) waiting.get(msgId)(at);
    else arrivals.set(msgId, at);
  };
  phone = new BridgeAgent({ serverUrl: b.info.url, licenseKey: a.info.licenseKey, deviceId: 'bench-nodes-phone', delayMs: 0, onEvent: (event) => event.event === 'message' && arrive(event.msg_id) });
  await phone.start();

  const latencies = { 'same node (B)': [], 'across nodes (A → B)': [] };
  for (let index = 0; index < WARMUP_PUSHES + PUSHES; index += 1) {
    const [name, target] = index % 2 === 0 ? ['same node (B)', b] : ['across nodes (A → B)', a];
    const startedAt = performance.now();
    const msgId = await push(target.info.url, a.info.token, String(15550000000 + index));
    const at =
      arrivals.get(msgId) ??
      (await new Promise((resolve) => {
        waiting.set(msgId, resolve);
        setTimeout(() => resolve(undefined), 10_000);
      }));
    waiting.delete(msgId);
    arrivals.delete(msgId);
    if (at === undefined) throw new Error(`message ${msgId} did not reach the phone within 10 s`);
    if (index >= WARMUP_PUSHES) latencies[name].push(at - startedAt);
    await sleep(GAP_MS);
  }
  const result = Object.fromEntries(Object.entries(latencies).map(([name, values]) => [name, summary(values)]));
  console.log(`bench:nodes — two nodes on PostgreSQL, one phone on node B; ${PUSHES} pushes one at a time, ${GAP_MS} ms apart`);
  for (const [name, row] of Object.entries(result)) console.log(`  ${name.padEnd(22)} push → phone p50 ${row.p50_ms} ms  p99 ${row.p99_ms} ms  max ${row.max_ms} ms  (${row.count})`);
  console.log(JSON.stringify(result));
} finally {
  await phone?.stop();
  for (const child of nodes) await stop(child);
  await database.drop();
}
