// Stops the HTTP server for a shutdown without ever answering outside the Picky shape: the listener
// closes (new connections are refused, never read), idle keep-alive connections close, and the requests
// in progress are answered normally (with `Connection: close`) before their connections close.
import type { ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';

export class HttpCloser {
  private active = 0;
  private idleWaiters: (() => void)[] = [];
  private closed: Promise<void> | undefined;

  constructor(private readonly app: FastifyInstance) {
    // Counted at the socket level, so every request is seen, routed or not, until its response is done.
    app.server.on('request', (_request: unknown, response: ServerResponse) => {
      this.active += 1;
      response.once('close', () => {
        this.active -= 1;
        if (this.active === 0) for (const wake of this.idleWaiters.splice(0)) wake();
      });
    });
  }

  /**
   * No new connections from now on (Fastify's close: the listener and idle keep-alive connections
   * close). Requests already being read are handled as usual: Fastify's 503 for them is off
   * (`return503OnClosing: false`), since a Picky client reads 503 as "Invalid PushId".
   */
  stopAccepting(): void {
    this.closed ??= this.app.close();
  }

  /** Resolves once no request is in progress, or after `limitMs`; answers whether all of them finished. */
  async drain(limitMs: number): Promise<boolean> {
    if (this.active === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const isDrained = await Promise.race([
      new Promise<boolean>((resolve) => this.idleWaiters.push(() => resolve(true))),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), limitMs))),
    ]);
    clearTimeout(timer);
    return isDrained;
  }

  /** Cuts every connection still open (a request that did not finish in time) and waits for the close. */
  async close(): Promise<void> {
    this.stopAccepting();
    this.app.server.closeAllConnections();
    await this.closed;
  }
}
