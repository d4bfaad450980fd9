// npm run bench:push — push throughput against a bare Fastify echo measured in the same run with the
// same load generator, the cost of scraping /metrics every second under that load (push measured
// without, with, and again without scraping), and the latency of one 10 000-recipient push. Prints a
// summary and JSON. BENCH_SCRAPE=0 skips the scraping runs.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const BIG_PUSH_RUNS = Number(process.env.BENCH_BIG_PUSH_RUNS ?? 7);
const WITH_SCRAPING = process.env.BENCH_SCRAPE !== '0';

/** Scrapes /metrics every second (as a Prometheus server would, at a short interval) until stopped. */
function startScraper(port) {
  const stats = { scrapes: 0, failures: 0, slowest_ms: 0 };
  let inFlight = Promise.resolve();
  const timer = setInterval(() => {
    inFlight = (async () => {
      const started = performance.now();
      try {
        const response = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5000) });
        const text = await response.text();
        if (response.status !== 200 || !text.includes('switchboard_http_requests_total')) throw new Error(`status ${response.status}`);
        stats.scrapes += 1;
      } catch {
        stats.failures += 1;
      }
      stats.slowest_ms = Math.max(stats.slowest_ms, +(performance.now() - started).toFixed(1));
    })();
  }, 1000);
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
      return stats;
    },
  };
}

async function startServer(script) {
  const child = spawn(process.execPath, [new URL(script, import.meta.url).pathname, '0'], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
  const lines = createInterface({ input: child.stdout });
  const [line] = await once(lines, 'line');
  return { child, info: JSON.parse(line) };
}

async function load(url, body) {
  const result = await autocannon({ url, method: 'POST', connections: CONNECTIONS, duration: DURATION_S, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const codes = { '2xx': result['2xx'], non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts };
  return { rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, ...codes };
}

async function timeBigPush(port, token, recipients, runs) {
  const data = Array.from({ length: recipients }, (_, i) => ({ number: String(15550000000 + i) }));
  const body = JSON.stringify({ token, application: 1, globalmessage: 'Bench bulk message', data });
  const times = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    const response = await fetch(`http://127.0.0.1:${port}/api/v2/push`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const answer = await response.json();
    times.push(performance.now() - started);
    if (answer.status !== 100 || answer.data.length !== recipients) throw new Error(`big push failed: ${JSON.stringify(answer).slice(0, 200)}`);
  }
  times.sort((a, b) => a - b);
  return { recipients, runs, min_ms: +times[0].toFixed(1), median_ms: +times[Math.floor(runs / 2)].toFixed(1), max_ms: +times[runs - 1].toFixed(1) };
}

const reference = await startServer('./reference-server.mjs');
const echo = await load(`http://127.0.0.1:${reference.info.port}/echo`, { token: 'x', application: 1, globalmessage: 'Hello', data: [{ number: '15550001111' }] });
const insert = await load(`http://127.0.0.1:${reference.info.port}/insert`, { token: 'x', application: 1, globalmessage: 'Hello', data: [{ number: '15550001111' }] });
reference.child.kill();

const gateway = await startServer('./push-gateway.mjs');
const pushBody = { token: gateway.info.token, application: 1, globalmessage: 'Hello from the benchmark', data: [{ number: '15550001111' }] };
const pushUrl = `http://127.0.0.1:${gateway.info.port}/api/v2/push`;
const push = await load(pushUrl, pushBody);
let scraping;
if (WITH_SCRAPING) {
  // After the run above (which warms the process up): without, with, and again without. The queue (and
  // the database) grows from run to run, so the runs without scraping surround the one with it.
  const before = await load(pushUrl, pushBody);
  const scraper = startScraper(gateway.info.port);
  const scraped = await load(pushUrl, pushBody);
  const scrapes = await scraper.stop();
  const after = await load(pushUrl, pushBody);
  const without = (before.rps + after.rps) / 2;
  scraping = { push_before: before, push_scraped: scraped, push_after: after, ...scrapes, cost_percent: +((100 * (without - scraped.rps)) / without).toFixed(2) };
}
const big = await timeBigPush(gateway.info.port, gateway.info.token, 10_000, BIG_PUSH_RUNS);
gateway.child.kill();

const summary = {
  database: process.env.DATABASE_URL ? 'postgres' : 'sqlite',
  connections: CONNECTIONS,
  duration_s: DURATION_S,
  echo,
  sqlite_insert_per_request: insert,
  push,
  push_to_echo_ratio: +(push.rps / echo.rps).toFixed(2),
  ...(scraping && { metrics_scraping: scraping }),
  big_push: big,
};
console.log(`fastify echo (ceiling)        ${echo.rps} req/s  p50 ${echo.p50} ms  p99 ${echo.p99} ms`);
console.log(`one sqlite insert per request ${insert.rps} req/s  p50 ${insert.p50} ms  p99 ${insert.p99} ms`);
console.log(`push, 1 recipient             ${push.rps} req/s  p50 ${push.p50} ms  p99 ${push.p99} ms  (non-2xx ${push.non2xx}, errors ${push.errors})`);
console.log(`push / echo                   ${summary.push_to_echo_ratio}`);
if (scraping) {
  console.log(`push, not scraped             ${scraping.push_before.rps} req/s  p99 ${scraping.push_before.p99} ms`);
  console.log(`push, /metrics scraped 1/s    ${scraping.push_scraped.rps} req/s  p99 ${scraping.push_scraped.p99} ms  (${scraping.scrapes} scrapes, ${scraping.failures} failed, slowest ${scraping.slowest_ms} ms)`);
  console.log(`push, not scraped again       ${scraping.push_after.rps} req/s  p99 ${scraping.push_after.p99} ms`);
  console.log(`cost of scraping              ${scraping.cost_percent} % of throughput (target: under 2 %)`);
}
console.log(`push of 10 000 recipients     median ${big.median_ms} ms  (min ${big.min_ms}, max ${big.max_ms}, ${big.runs} runs)`);
console.log(JSON.stringify(summary));
