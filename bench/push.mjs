// npm run bench:push — push throughput against a bare Fastify echo measured in the same run with the
// same load generator, the cost of scraping /metrics every second under that load (short runs without
// and with scraping, alternated in the order A B B A so that a drift cancels out), and the latency of
// one 10 000-recipient push. Prints a summary and JSON. BENCH_SCRAPE=0 skips the scraping runs;
// BENCH_SCRAPE_PAIRS (6) and BENCH_SCRAPE_SEGMENT (4 s) size them.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const BIG_PUSH_RUNS = Number(process.env.BENCH_BIG_PUSH_RUNS ?? 7);
const WITH_SCRAPING = process.env.BENCH_SCRAPE !== '0';
const SCRAPE_PAIRS = Number(process.env.BENCH_SCRAPE_PAIRS ?? 6);
const SCRAPE_SEGMENT_S = Number(process.env.BENCH_SCRAPE_SEGMENT ?? 4);

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

async function load(url, body, durationS = DURATION_S) {
  const result = await autocannon({ url, method: 'POST', connections: CONNECTIONS, duration: durationS, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
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
  // Segments without (A) and with (B) scraping, in the order A B B A A B B A …: the queue and the
  // database grow all along and the machine's speed wanders, and this order cancels a steady drift. One
  // scrape first: the first one of a process compiles the rendering code, once in the process's life.
  await fetch(`http://127.0.0.1:${gateway.info.port}/metrics`).then((response) => response.text());
  const segments = { without: [], with: [] };
  let scrapes = { scrapes: 0, failures: 0, slowest_ms: 0 };
  for (let index = 0; index < SCRAPE_PAIRS * 2; index += 1) {
    const isScraped = index % 4 === 1 || index % 4 === 2;
    const scraper = isScraped ? startScraper(gateway.info.port) : undefined;
    const result = await load(pushUrl, pushBody, SCRAPE_SEGMENT_S);
    if (scraper) {
      const stats = await scraper.stop();
      scrapes = { scrapes: scrapes.scrapes + stats.scrapes, failures: scrapes.failures + stats.failures, slowest_ms: Math.max(scrapes.slowest_ms, stats.slowest_ms) };
    }
    segments[isScraped ? 'with' : 'without'].push(result.rps);
  }
  const mean = (values) => values.reduce((sum, value) => sum + value, 0) / values.length;
  const without = mean(segments.without);
  const scraped = mean(segments.with);
  scraping = { segments_without: segments.without, segments_with: segments.with, mean_without: Math.round(without), mean_with: Math.round(scraped), ...scrapes, cost_percent: +((100 * (without - scraped)) / without).toFixed(2) };
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
  console.log(`push, not scraped             ${scraping.mean_without} req/s  (${SCRAPE_SEGMENT_S} s segments: ${scraping.segments_without.join(', ')})`);
  console.log(`push, /metrics scraped 1/s    ${scraping.mean_with} req/s  (${scraping.segments_with.join(', ')}; ${scraping.scrapes} scrapes, ${scraping.failures} failed, slowest ${scraping.slowest_ms} ms)`);
  console.log(`cost of scraping              ${scraping.cost_percent} % of throughput (target: under 2 %)`);
}
console.log(`push of 10 000 recipients     median ${big.median_ms} ms  (min ${big.min_ms}, max ${big.max_ms}, ${big.runs} runs)`);
console.log(JSON.stringify(summary));
