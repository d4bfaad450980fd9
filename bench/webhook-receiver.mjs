// A customer's webhook endpoint for bench:webhooks, in its own process: counts calls (GET /stats), and
// for inbound messages whose text starts with "R" answers an instant reply and prints `number at` (the
// arrival time in epoch ms with sub-millisecond precision, comparable across processes) on stdout.
import { createServer } from 'node:http';

const now = () => performance.timeOrigin + performance.now();
let count = 0;
const out = [];
const server = createServer((request, response) => {
  if (request.method === 'GET') return response.end(JSON.stringify({ count }));
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    count += 1;
    const body = Buffer.concat(chunks).toString('utf8');
    if (body.includes('"message_in_raw":"R')) {
      const { number } = JSON.parse(body);
      out.push(`${number} ${now()}\n`);
      response.writeHead(200, { 'content-type': 'application/json' });
      return response.end('{"message-out":"Thanks, this is an automatic reply"}');
    }
    response.writeHead(200, { 'content-type': 'text/plain' });
    response.end('ok');
  });
});
// Lines are written in batches: one write per request would cost the receiver more than the request.
setInterval(() => out.length && process.stdout.write(out.splice(0).join('')), 20).unref();
server.keepAliveTimeout = 60_000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`));
