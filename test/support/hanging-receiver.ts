// A webhook receiver that accepts every call and never answers: the worst a customer's endpoint can do.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface HangingReceiver {
  url: string;
  /** Calls received so far (each left waiting). */
  calls: IncomingMessage[];
  waitForCalls(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startHangingReceiver(): Promise<HangingReceiver> {
  const calls: IncomingMessage[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request) => {
    request.resume();
    calls.push(request);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    async waitForCalls(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (calls.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} calls at the hanging receiver within ${timeoutMs} ms, got ${calls.length}`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
