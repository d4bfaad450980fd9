// npm run bench:webhook-fairness — a healthy project's webhook latency while another project's receiver
// hangs. The gateway (SQLite, default webhook settings: 30 s time limit, 256 calls in flight, 32 per
// project and origin) runs in a child process, the healthy receiver (bench/webhook-receiver.mjs) in
// another; a receiver that accepts every call and never answers runs in this process. Two simulated
// phones inject inbound messages at a fixed rate, one per project, for BENCH_SECONDS: the hanging
// project's calls pile up (each held 30 s), and the healthy project's inbound → webhook latency is
// measured as in bench:webhooks (both clocks are performance.timeOrigin + performance.now()).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:http';
import { createInterface } from 'node:readline';
import { request } from 'undici';
import { BridgeAgent } from '../dist/agent/index.js';

const RATE = Number(process.env.BENCH_RATE ?? 100);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function startProcess(script, env = {}) {
  const child = spawn(process.execPath, [new URL(script, import.meta.url).pathname, '0'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const lines = createInterface({ input: child.stdout });
  const [line] = await once(lines, 'line');
  return { child, lines, info: JSON.parse(line) };
}

async function post(base, endpoint, body) {
  const response = await request(`${base}/api/v2/${endpoint}`, { method: 'POST', body: JSON.stringify(body) });
  const answer = JSON.parse(await response.body.text());
  if (answer.status !== 100) throw new Error(`${endpoint} refused: ${JSON.stringify(answer)}`);
  return answer;
}

// The hanging receiver: reads each call and never answers.
const held = new Set();
let hangingCalls = 0;
const hanging = createServer((incoming) => {
  hangingCalls += 1;
  incoming.resume();
});
hanging.on('connection', (socket) => {
  held.add(socket);
  socket.on('close', () => held.delete(socket));
});
await new Promise((resolve) => hanging.listen(0, '127.0.0.1', resolve));

const receiver = await startProcess('./webhook-receiver.mjs');
const gateway = await startProcess('./push-gateway.mjs', { SWITCHBOARD_ALLOW_PRIVATE_URLS: 'true' });
const base = `http://127.0.0.1:${gateway.info.port}`;
const { masterToken } = gateway.info;
const healthy = await post(base, 'pm/create-project', { token: masterToken, project_name: 'Healthy', generate_api_token: true });
// BENCH_CONTROL=1: the other project's receiver answers too (the same latency without a hang, for comparison).
const otherHook = process.env.BENCH_CONTROL === '1' ? `http://127.0.0.1:${receiver.info.port}/hook` : `http://127.0.0.1:${hanging.address().port}/hook`;
await post(base, 'pm/set-webhook', { token: masterToken, project_id: gateway.info.projectId, global_webhook: otherHook });
await post(base, 'pm/set-webhook', { token: masterToken, project_id: Number(healthy.project_id), global_webhook: `http://127.0.0.1:${receiver.info.port}/hook` });

const injectedAt = new Map();
const latencies = [];
receiver.lines.on('line', (line) => {
  const [number, at] = line.split(' ');
  const t0 = injectedAt.get(number);
  if (t0 !== undefined) latencies.push(Number(at) - t0);
});
const agents = [
  new BridgeAgent({ serverUrl: base, licenseKey: gateway.info.licenseKey, deviceId: 'fair-hanging', delayMs: 0 }),
  new BridgeAgent({ serverUrl: base, licenseKey: healthy.license_key, deviceId: 'fair-healthy', delayMs: 0 }),
];
await Promise.all(agents.map((agent) => agent.start()));

// Both projects get RATE inbound messages a second; the healthy ones start with R (timed by the receiver).
const started = performance.now();
let sent = 0;
for (let slice = 0; slice < SECONDS * 100; slice += 1) {
  const wait = started + slice * 10 - performance.now();
  if (wait > 0) await sleep(wait);
  for (let i = 0; i < Math.max(1, Math.round(RATE / 100)); i += 1) {
    sent += 1;
    agents[0].injectInbound({ number: String(17770000000 + sent), text: `H${sent}`, type: 1, application: 1 });
    const number = String(18880000000 + sent);
    injectedAt.set(number, now());
    agents[1].injectInbound({ number, text: `R${sent}`, type: 1, application: 1 });
  }
}
const deadline = performance.now() + 60_000;
while (latencies.length < sent && performance.now() < deadline) await sleep(50);

for (const agent of agents) await agent.stop();
gateway.child.kill();
receiver.child.kill();
for (const socket of held) socket.destroy();
hanging.close();
const sorted = [...latencies].sort((a, b) => a - b);
const result = { rate: RATE, seconds: SECONDS, healthy: { sent, delivered: sorted.length, p50_ms: +percentile(sorted, 50).toFixed(2), p99_ms: +percentile(sorted, 99).toFixed(2), max_ms: +sorted.at(-1).toFixed(2) }, hanging_calls_received: hangingCalls };
console.log(`healthy project, inbound → webhook at ${RATE}/s while the other project's receiver ${process.env.BENCH_CONTROL === '1' ? 'answers (control)' : 'hangs'}: p50 ${result.healthy.p50_ms} ms  p99 ${result.healthy.p99_ms} ms  max ${result.healthy.max_ms} ms (${sorted.length}/${sent} delivered; ${hangingCalls} calls held by the hanging receiver)`);
console.log(JSON.stringify(result));
