// Pushes from a benchmark process over node:http with keep-alive: fetch costs several times more CPU per
// request, and in a process that also runs phones that cost would land inside the latency measured.
import { Agent, request } from 'node:http';

/** A push function sending `text` to the given recipients; it answers the gateway's reply, or fails unless 100. */
export function pushSender(text, maxSockets) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  return (port, token, data) => {
    const body = JSON.stringify({ token, application: 1, globalmessage: text, data });
    return new Promise((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/v2/push', method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        const chunks = [];
        res.on('data', (chunk) => chunks.push(chunk));
        res.on('end', () => {
          const answer = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (answer.status !== 100) reject(new Error(`push refused: ${JSON.stringify(answer)}`));
          else resolve(answer);
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  };
}
