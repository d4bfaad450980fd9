// npm run bench:meta — messages per second through the WhatsApp Cloud API channel (application 101)
// against a local fake Graph server, and through the phone bridge (application 1, 10 simulated phones
// with delay 0), in one run on one gateway process (SQLite): pushes of 100 recipients, 8 in flight,
// timed from the first push to the last message at Graph / at a phone. The fake Graph answers at once,
// so the Cloud API figure is the gateway's ceiling, not Meta's (80 msg/s per number by default).
import { createServer, Agent, request } from 'node:http';
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { BridgeAgent } from '../dist/agent/index.js';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 20_000);
const PER_PUSH = 100;
const IN_FLIGHT = 8;
const DEVICES = 10;

// ---- a fake Graph API: answers sends with a wamid, counts them ----
let graphSends = 0;
let onGraphSend = () => {};
const graph = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (req.method === 'POST' && req.url.endsWith('/messages')) {
      graphSends += 1;
      onGraphSend();
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ messaging_product: 'whatsapp', messages: [{ id: `wamid.BENCH${graphSends}` }] }));
    }
    res.writeHead(400, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 100, message: 'not faked' } }));
  });
});
graph.listen(0, '127.0.0.1');
await once(graph, 'listening');
const graphUrl = `http://127.0.0.1:${graph.address().port}/v21.0`;

// ---- the gateway, in its own process ----
const child = spawn(process.execPath, [new URL('./push-gateway.mjs', import.meta.url).pathname, '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, SWITCHBOARD_META_GRAPH_URL: graphUrl, SWITCHBOARD_META_MESSAGES_PER_SECOND: '10000', SWITCHBOARD_META_MAX_IN_FLIGHT: '32' },
});
const [line] = await once(createInterface({ input: child.stdout }), 'line');
const { port, token, licenseKey, masterToken, projectId } = JSON.parse(line);

const keepAlive = new Agent({ keepAlive: true, maxSockets: 64 });
function post(path, payload) {
  const body = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: `/api/v2/${path}`, method: 'POST', agent: keepAlive, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Pushes MESSAGES messages for `application`; resolves with the seconds until all were accepted. */
async function pushAll(application, started) {
  let next = 0;
  const worker = async () => {
    while (next < MESSAGES) {
      const first = next;
      next += PER_PUSH;
      const data = Array.from({ length: Math.min(PER_PUSH, MESSAGES - first) }, (_, i) => ({ number: String(15550000000 + first + i) }));
      const answer = await post('push', { token, application, globalmessage: 'Hello from the benchmark', data });
      if (answer.status !== 100) throw new Error(`push answered ${JSON.stringify(answer)}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return (performance.now() - started) / 1000;
}

const waitFor = (isDone, setHook) => new Promise((resolve) => {
  setHook(() => isDone() && resolve());
  if (isDone()) resolve();
});

// 1. Cloud API.
const linked = await post('pm/create-channel', { token: masterToken, project_id: projectId, application: 101, phone_number_id: '1065403522', waba_id: '1022901293', access_token: 'EAAGbenchmarktoken0123456789', app_secret: 'benchsecret0123456789', verify_token: 'bench' });
if (linked.status !== 100) throw new Error(`pm/create-channel answered ${JSON.stringify(linked)}`);
let started = performance.now();
const cloudAccepted = await pushAll(101, started);
await waitFor(() => graphSends >= MESSAGES, (hook) => (onGraphSend = hook));
const cloudSeconds = (performance.now() - started) / 1000;

// 2. Phone bridge.
let atPhones = 0;
let onPhone = () => {};
const agents = Array.from({ length: DEVICES }, (_, i) => new BridgeAgent({ serverUrl: `http://127.0.0.1:${port}`, licenseKey, deviceId: `bench-meta-${i}`, delayMs: 0, onEvent: (event) => { if (event.event === 'message') { atPhones += 1; onPhone(); } } }));
await Promise.all(agents.map((agent) => agent.start()));
started = performance.now();
const bridgeAccepted = await pushAll(1, started);
await waitFor(() => atPhones >= MESSAGES, (hook) => (onPhone = hook));
const bridgeSeconds = (performance.now() - started) / 1000;

const rate = (seconds) => Math.round(MESSAGES / seconds);
const result = {
  messages: MESSAGES,
  cloud_api: { accepted_per_s: rate(cloudAccepted), at_graph_per_s: rate(cloudSeconds), seconds: +cloudSeconds.toFixed(2) },
  phone_bridge: { accepted_per_s: rate(bridgeAccepted), at_phones_per_s: rate(bridgeSeconds), seconds: +bridgeSeconds.toFixed(2), devices: DEVICES },
};
console.log(`Cloud API (fake Graph)  ${result.cloud_api.at_graph_per_s} msg/s at Graph, pushes accepted at ${result.cloud_api.accepted_per_s} msg/s (${MESSAGES} messages)`);
console.log(`phone bridge            ${result.phone_bridge.at_phones_per_s} msg/s at ${DEVICES} phones, pushes accepted at ${result.phone_bridge.accepted_per_s} msg/s (${MESSAGES} messages)`);
console.log(JSON.stringify(result));
for (const agent of agents) await agent.stop();
child.kill();
graph.close();
keepAlive.destroy();
