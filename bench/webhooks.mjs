// npm run bench:webhooks — inbound message → global webhook → instant reply → phone, through the gateway
// on SQLite, with simulated phones (reference bridge agents, delay 0) in this process and a webhook
// receiver in its own; the ceiling is a raw undici POST loop to the same receiver, measured in the run:
//   1. latency at a fixed rate: inbound injected → webhook call at the receiver, and → reply at the phone
//      (p50/p99), vs a raw POST's round trip at the same rate;
//   2. sustained webhook deliveries/s, vs raw POSTs/s with as many requests in flight as the gateway's
//      default concurrency allows.
// For profiling: BENCH_PROFILE=<dir> writes the gateway's CPU profile there; BENCH_SQLPROF=<module>
// loads a module into the gateway first (`node --import`), e.g. a timer around better-sqlite3.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Agent, request } from 'undici';
import { BridgeAgent } from '../dist/agent/index.js';

const RATE = Number(process.env.BENCH_RATE ?? 200);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 5);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 30_000);
const IN_FLIGHT = 256;
const DEVICES = 10;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const summary = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50_ms: +percentile(sorted, 50).toFixed(2), p99_ms: +percentile(sorted, 99).toFixed(2) };
};

async function startProcess(script, env = {}, execArgv = []) {
  const child = spawn(process.execPath, [...execArgv, new URL(script, import.meta.url).pathname, '0'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const lines = createInterface({ input: child.stdout });
  const [line] = await once(lines, 'line');
  return { child, lines, info: JSON.parse(line) };
}

/** Calls `tick(i)` RATE times a second for `seconds`, in slices of 10 ms. */
async function atFixedRate(seconds, tick) {
  const perSlice = Math.max(1, Math.round(RATE / 100));
  const started = performance.now();
  let sent = 0;
  for (let slice = 0; slice < seconds * 100; slice += 1) {
    const wait = started + slice * 10 - performance.now();
    if (wait > 0) await sleep(wait);
    for (let i = 0; i < perSlice; i += 1) tick(sent++);
  }
}

async function receivedCount(url) {
  const response = await request(`${url}/stats`);
  return JSON.parse(await response.body.text()).count;
}

// ---- ceiling: raw undici POSTs to the same receiver ----
async function ceilingBench(url) {
  const dispatcher = new Agent({ connections: IN_FLIGHT, keepAliveTimeout: 30_000 });
  const body = JSON.stringify({ number: '15550000000', 'message-in': 'ceiling', message_in_raw: 'ceiling', type: 1, application: 1 });
  const post = () => request(url, { dispatcher, method: 'POST', body, headers: { 'content-type': 'application/json' } }).then((response) => response.body.text());
  const latencies = [];
  const pending = [];
  const tick = (measure) => () => {
    const started = performance.now();
    pending.push(post().then(() => measure && latencies.push(performance.now() - started)));
  };
  await atFixedRate(WARMUP_SECONDS, tick(false));
  await atFixedRate(LATENCY_SECONDS, tick(true));
  await Promise.all(pending);
  let sent = 0;
  const started = performance.now();
  const worker = async () => {
    while (sent < DELIVERIES) {
      sent += 1;
      await post();
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  const seconds = (performance.now() - started) / 1000;
  await dispatcher.close();
  return { latency: summary(latencies), posts_per_s: Math.round(DELIVERIES / seconds) };
}

// ---- the gateway ----
async function gatewayBench(receiver) {
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : process.env.BENCH_SQLPROF ? ['--import', process.env.BENCH_SQLPROF] : [];
  const gateway = await startProcess('./push-gateway.mjs', { SWITCHBOARD_ALLOW_PRIVATE_URLS: 'true' }, profile);
  const { port, licenseKey } = gateway.info;
  const base = `http://127.0.0.1:${port}`;
  const set = await request(`${base}/api/v2/pm/set-webhook`, { method: 'POST', body: JSON.stringify({ token: gateway.info.masterToken, project_id: gateway.info.projectId, global_webhook: `${receiver.url}/hook` }) });
  const setAnswer = JSON.parse(await set.body.text());
  if (setAnswer.status !== 100) throw new Error(`set-webhook refused: ${JSON.stringify(setAnswer)}`);

  const injectedAt = new Map();
  const webhookLatencies = [];
  const replyLatencies = [];
  let isMeasuring = false;
  receiver.lines.on('line', (line) => {
    const [number, at] = line.split(' ');
    const t0 = injectedAt.get(number);
    if (t0 !== undefined && isMeasuring) webhookLatencies.push(Number(at) - t0);
  });
  let replies = 0;
  const agents = [];
  for (let i = 0; i < DEVICES; i += 1) {
    agents.push(
      new BridgeAgent({
        serverUrl: base,
        licenseKey,
        deviceId: `hook-bench-${i}`,
        delayMs: 0,
        onEvent: (event) => {
          if (event.event !== 'message') return;
          replies += 1;
          const t0 = injectedAt.get(event.number);
          if (t0 !== undefined && isMeasuring) replyLatencies.push(now() - t0);
        },
      }),
    );
  }
  await Promise.all(agents.map((agent) => agent.start()));

  // 1. Latency at a fixed rate: each inbound from its own number, text starting with R (reply wanted).
  const inject = (i) => {
    const number = String(15550000000 + i);
    injectedAt.set(number, now());
    agents[i % DEVICES].injectInbound({ number, text: `R${i}`, type: 1, application: 1 });
  };
  await atFixedRate(WARMUP_SECONDS, (i) => inject(1_000_000 + i));
  while (replies < RATE * WARMUP_SECONDS) await sleep(20);
  isMeasuring = true;
  await atFixedRate(LATENCY_SECONDS, inject);
  while (replies < RATE * (WARMUP_SECONDS + LATENCY_SECONDS)) await sleep(20);
  isMeasuring = false;

  // 2. Throughput: DELIVERIES inbound messages (no reply wanted) injected at once across the phones.
  const before = await receivedCount(receiver.url);
  const started = performance.now();
  for (let i = 0; i < DELIVERIES; i += 1) agents[i % DEVICES].injectInbound({ number: String(16660000000 + i), text: `T${i}`, type: 1, application: 1 });
  while ((await receivedCount(receiver.url)) < before + DELIVERIES) await sleep(20);
  const seconds = (performance.now() - started) / 1000;
  for (const agent of agents) await agent.stop();
  gateway.child.kill();
  return { webhook: summary(webhookLatencies), reply: summary(replyLatencies), deliveries_per_s: Math.round(DELIVERIES / seconds), seconds: +seconds.toFixed(2) };
}

const receiver = await startProcess('./webhook-receiver.mjs');
receiver.url = `http://127.0.0.1:${receiver.info.port}`;
const ceiling = await ceilingBench(`${receiver.url}/hook`);
const gateway = await gatewayBench(receiver);
receiver.child.kill();
console.log(`raw undici POST        latency at ${RATE}/s: p50 ${ceiling.latency.p50_ms} ms  p99 ${ceiling.latency.p99_ms} ms   throughput ${ceiling.posts_per_s} POST/s (${IN_FLIGHT} in flight)`);
console.log(`inbound → webhook      latency at ${RATE}/s: p50 ${gateway.webhook.p50_ms} ms  p99 ${gateway.webhook.p99_ms} ms   (${gateway.webhook.count} messages)`);
console.log(`inbound → reply@phone  latency at ${RATE}/s: p50 ${gateway.reply.p50_ms} ms  p99 ${gateway.reply.p99_ms} ms   (${gateway.reply.count} replies)`);
console.log(`webhook deliveries     ${gateway.deliveries_per_s}/s sustained (${DELIVERIES} in ${gateway.seconds} s)`);
console.log(JSON.stringify({ rate: RATE, devices: DEVICES, ceiling, gateway }));
