// npm run bench:e2e — push → phone through the gateway on SQLite, with simulated phones (reference bridge
// agents, delay 0) in this process, against a raw WebSocket echo measured in the same run:
//   1. latency at a fixed 1 000 msg/s: push request → message at the device (p50/p99), vs echo round trip;
//   2. sustained end-to-end messages/s across 10 devices, vs echo messages/s over 10 connections;
//   3. the gateway's extra memory for 5 000 idle connected devices.
// Both latency runs start with WARMUP_SECONDS at the same rate that are not measured: the first second
// of a fresh process is JIT compilation and connection-pool growth, not the gateway's steady state.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { BridgeAgent } from '../dist/agent/index.js';
import { pushSender } from './push-request.mjs';

const RATE = Number(process.env.BENCH_RATE ?? 1000);
const LATENCY_SECONDS = Number(process.env.BENCH_LATENCY_SECONDS ?? 5);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const THROUGHPUT_MESSAGES = Number(process.env.BENCH_MESSAGES ?? 50_000);
const DEVICES = 10;
const IDLE_DEVICES = Number(process.env.BENCH_IDLE_DEVICES ?? 5000);

async function startServer(script) {
  const child = spawn(process.execPath, [new URL(script, import.meta.url).pathname, '0'], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
  const [line] = await once(createInterface({ input: child.stdout }), 'line');
  return { child, info: JSON.parse(line) };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const summary = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { count: sorted.length, p50_ms: +percentile(sorted, 50).toFixed(2), p99_ms: +percentile(sorted, 99).toFixed(2) };
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

/** Calls `tick(i)` RATE times a second for `seconds`, in slices of 10 ms (timers are not finer). */
async function atFixedRate(seconds, tick) {
  const perSlice = RATE / 100;
  const started = performance.now();
  let sent = 0;
  for (let slice = 0; slice < seconds * 100; slice += 1) {
    const due = started + slice * 10;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    for (let i = 0; i < perSlice; i += 1) tick(sent++);
  }
}

// ---- ceiling: raw WebSocket echo ----
async function echoBench() {
  const echo = await startServer('./ws-echo-server.mjs');
  const url = `ws://127.0.0.1:${echo.info.port}`;
  const sockets = await Promise.all(Array.from({ length: DEVICES }, () => new Promise((resolve) => { const s = new WebSocket(url); s.once('open', () => resolve(s)); })));
  const body = JSON.stringify({ type: 'send', msg_id: '0', application: 1, number: '15550000000', kind: 'text', text: 'Hello from the benchmark', media_url: '', media_hash: '', file_name: '', priority: 0 });
  // Latency at the fixed rate.
  const sentAt = new Map();
  const latencies = [];
  for (const socket of sockets) socket.on('message', (data) => { const id = String(data).slice(0, 12); const t0 = sentAt.get(id); if (t0 !== undefined) { latencies.push(performance.now() - t0); sentAt.delete(id); } });
  const echoTick = (i) => { const id = String(i).padStart(12, '0'); sentAt.set(id, performance.now()); sockets[i % DEVICES].send(id + body); };
  await atFixedRate(WARMUP_SECONDS, (i) => echoTick(1e9 + i));
  await sleep(200);
  latencies.length = 0;
  await atFixedRate(LATENCY_SECONDS, echoTick);
  await sleep(200);
  for (const socket of sockets) socket.removeAllListeners('message');
  // Throughput: each connection keeps 100 messages outstanding.
  let received = 0;
  const started = performance.now();
  await new Promise((resolve) => {
    for (const socket of sockets) {
      socket.on('message', () => { received += 1; if (received >= THROUGHPUT_MESSAGES) resolve(); else if (received + DEVICES * 100 <= THROUGHPUT_MESSAGES) socket.send(body); });
      for (let i = 0; i < 100; i += 1) socket.send(body);
    }
  });
  const seconds = (performance.now() - started) / 1000;
  for (const socket of sockets) socket.close();
  echo.child.kill();
  return { latency: summary(latencies), messages_per_s: Math.round(received / seconds) };
}

// ---- the gateway ----
async function startAgents(count, port, licenseKey, onMessage, prefix) {
  const agents = [];
  for (let start = 0; start < count; start += 500) {
    const group = Array.from({ length: Math.min(500, count - start) }, (_, i) => new BridgeAgent({ serverUrl: `http://127.0.0.1:${port}`, licenseKey, deviceId: `${prefix}-${start + i}`, delayMs: 0, onEvent: (event) => event.event === 'message' && onMessage(event) }));
    await Promise.all(group.map((agent) => agent.start()));
    agents.push(...group);
  }
  return agents;
}

const push = pushSender('Hello from the benchmark', 64);

async function gatewayBench() {
  const gateway = await startServer('./push-gateway.mjs');
  const { port, token, licenseKey } = gateway.info;

  // 1. Latency at a fixed rate: one single-recipient push per message, unique numbers.
  const pushedAt = new Map();
  const latencies = [];
  let received = 0;
  const agents = await startAgents(DEVICES, port, licenseKey, (event) => {
    received += 1;
    const t0 = pushedAt.get(event.number);
    if (t0 !== undefined) { latencies.push(performance.now() - t0); pushedAt.delete(event.number); }
  }, 'bench');
  const pending = [];
  const pushTick = (i) => {
    const number = String(15550000000 + i);
    pushedAt.set(number, performance.now());
    pending.push(push(port, token, [{ number }]));
  };
  await atFixedRate(WARMUP_SECONDS, (i) => pushTick(1_000_000 + i));
  await Promise.all(pending);
  while (received < RATE * WARMUP_SECONDS) await sleep(20);
  latencies.length = 0;
  await atFixedRate(LATENCY_SECONDS, pushTick);
  await Promise.all(pending);
  while (received < RATE * (WARMUP_SECONDS + LATENCY_SECONDS)) await sleep(20);

  // 2. Throughput: bulk pushes of 500 recipients, 4 at a time, until THROUGHPUT_MESSAGES reached the devices.
  const target = received + THROUGHPUT_MESSAGES;
  const started = performance.now();
  let queued = 0;
  const pushOne = async () => {
    while (queued < THROUGHPUT_MESSAGES) {
      const base = queued;
      queued += 500;
      await push(port, token, Array.from({ length: 500 }, (_, i) => ({ number: String(16660000000 + base + i) })));
    }
  };
  await Promise.all([pushOne(), pushOne(), pushOne(), pushOne()]);
  const accepted = (performance.now() - started) / 1000;
  while (received < target) await sleep(5);
  const seconds = (performance.now() - started) / 1000;
  for (const agent of agents) await agent.stop();

  gateway.child.kill();
  return {
    latency: summary(latencies),
    throughput: { messages: THROUGHPUT_MESSAGES, seconds: +seconds.toFixed(2), messages_per_s: Math.round(THROUGHPUT_MESSAGES / seconds), push_accept_s: +accepted.toFixed(2) },
  };
}

/** 3. On a fresh gateway process (no garbage from earlier phases to reuse): RSS before and with the devices. */
async function idleMemoryBench() {
  const gateway = await startServer('./push-gateway.mjs');
  const { port, licenseKey, pid } = gateway.info;
  // One device first, so that what every connection needs once (code paths, caches) is not counted.
  const first = await startAgents(1, port, licenseKey, () => undefined, 'first');
  await sleep(2000);
  const before = rssMb(pid);
  const idle = await startAgents(IDLE_DEVICES, port, licenseKey, () => undefined, 'idle');
  await sleep(3000);
  const withIdle = rssMb(pid);
  for (const agent of [...first, ...idle]) await agent.stop();
  gateway.child.kill();
  return { idle_devices: IDLE_DEVICES, before_rss_mb: Math.round(before), with_idle_rss_mb: Math.round(withIdle), extra_mb: Math.round(withIdle - before), per_device_kb: +(((withIdle - before) * 1024) / IDLE_DEVICES).toFixed(1) };
}

const echo = await echoBench();
const gateway = await gatewayBench();
const memory = await idleMemoryBench();
console.log(`raw WebSocket echo   latency at ${RATE}/s: p50 ${echo.latency.p50_ms} ms  p99 ${echo.latency.p99_ms} ms   throughput ${echo.messages_per_s} msg/s (10 connections)`);
console.log(`push → device        latency at ${RATE}/s: p50 ${gateway.latency.p50_ms} ms  p99 ${gateway.latency.p99_ms} ms   (${gateway.latency.count} messages)`);
console.log(`end to end           ${gateway.throughput.messages_per_s} msg/s across ${DEVICES} devices (${gateway.throughput.messages} messages in ${gateway.throughput.seconds} s)`);
console.log(`idle devices         ${memory.idle_devices} connected: +${memory.extra_mb} MB RSS (${memory.per_device_kb} KB each; ${memory.before_rss_mb} → ${memory.with_idle_rss_mb} MB)`);
console.log(JSON.stringify({ rate: RATE, devices: DEVICES, echo, gateway, memory }));
