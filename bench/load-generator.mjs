// The load generator of bench:load, in its own process so that it does not share the event loop (or the
// CPU accounting) of the server it measures: wrk -t1 when it is installed (as in issue 14's measurement)
// and no fixed rate is asked, else autocannon; a warm-up that is not counted, then the measured run. Prints `{"phase":"start"}` when the measured run begins and one JSON result line when it ends.
// Several URLs (one per gateway node) split the connections between them.
import autocannon from 'autocannon';
import { hasWrk, wrk } from './wrk-run.mjs';

const { urls, body, connections, durationS, warmupS, rate, generator } = JSON.parse(process.argv[2]);

/** One recipient per request, cycling over 10 000 numbers: with several phones, rendezvous hashing spreads them. */
function requests() {
  let counter = 0;
  return [
    {
      method: 'POST',
      setupRequest: (request) => {
        counter = (counter + 1) % 10_000;
        return { ...request, body: body.replace('{NUMBER}', String(15550000000 + counter)) };
      },
    },
  ];
}

function run(url, perUrl, seconds) {
  const overallRate = rate > 0 ? { overallRate: Math.max(1, Math.round(rate / urls.length)) } : {};
  return autocannon({ url, connections: perUrl, duration: seconds, headers: { 'content-type': 'application/json' }, requests: requests(), ...overallRate });
}

const perUrl = Math.max(1, Math.round(connections / urls.length));
const useWrk = generator !== 'autocannon' && rate === 0 && hasWrk();
if (useWrk) {
  if (warmupS > 0) await Promise.all(urls.map((url) => wrk(url, body, perUrl, warmupS)));
  process.stdout.write(`${JSON.stringify({ phase: 'start', generator: 'wrk' })}\n`);
  const results = await Promise.all(urls.map((url) => wrk(url, body, perUrl, durationS)));
  const total = (key) => results.reduce((sum, result) => sum + result[key], 0);
  const worst = (key) => Math.max(...results.map((result) => result[key]));
  const summary = { phase: 'done', rps: total('rps'), p50: worst('p50'), p99: worst('p99'), ok: total('ok'), non2xx: total('non2xx'), errors: total('errors'), timeouts: total('timeouts') };
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.exit(0);
}
if (warmupS > 0) await Promise.all(urls.map((url) => run(url, perUrl, warmupS)));
process.stdout.write(`${JSON.stringify({ phase: 'start', generator: 'autocannon' })}\n`);
const results = await Promise.all(urls.map((url) => run(url, perUrl, durationS)));
// Several nodes: their request rates add up; the latency is the worst node's (percentiles cannot be merged).
const total = (key) => results.reduce((sum, result) => sum + result[key], 0);
process.stdout.write(
  `${JSON.stringify({
    phase: 'done',
    rps: Math.round(results.reduce((sum, result) => sum + result.requests.average, 0)),
    p50: Math.max(...results.map((result) => result.latency.p50)),
    p99: Math.max(...results.map((result) => result.latency.p99)),
    ok: total('2xx'),
    non2xx: total('non2xx'),
    errors: total('errors'),
    timeouts: total('timeouts'),
  })}\n`,
);
