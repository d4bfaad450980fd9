// A real local HTTP server playing a customer's webhook endpoint: it records every call (headers, raw
// body, parsed body) and answers as the test tells it to.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedCall {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** JSON or form body, parsed (form: flat keys such as `Location[lat]`). */
  fields: Record<string, any>;
  at: number;
}

export type Responder = (call: ReceivedCall, index: number, response: ServerResponse) => void;

export interface WebhookReceiver {
  url: string;
  calls: ReceivedCall[];
  respond(responder: Responder): void;
  waitForCalls(count: number, timeoutMs?: number): Promise<ReceivedCall[]>;
  close(): Promise<void>;
}

export const answer = (status: number, body = '', contentType = 'application/json'): Responder => (_call, _index, response) => {
  response.writeHead(status, { 'content-type': contentType });
  response.end(body);
};

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const calls: ReceivedCall[] = [];
  let responder: Responder = answer(200, 'ok', 'text/plain');
  const waiters: (() => void)[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const isForm = String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded');
      let fields: Record<string, any> = {};
      try {
        fields = isForm ? Object.fromEntries(new URLSearchParams(body)) : (JSON.parse(body) as Record<string, any>);
      } catch {
        fields = {};
      }
      const call = { path: request.url ?? '', headers: request.headers, body, fields, at: Date.now() };
      calls.push(call);
      for (const waiter of waiters.splice(0)) waiter();
      responder(call, calls.length - 1, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    respond: (next) => (responder = next),
    waitForCalls(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected ${count} webhook calls within ${timeoutMs} ms, got ${calls.length}`)), timeoutMs);
        const look = () => {
          if (calls.length >= count) {
            clearTimeout(timer);
            resolve(calls.slice(0, count));
          } else waiters.push(look);
        };
        look();
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
