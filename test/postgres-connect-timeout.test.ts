// A PostgreSQL address that accepts connections and never answers must fail start-up in bounded time,
// with the one-line error the CLI prints, instead of waiting for the operating system to give up.
import { createServer, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseUnreachableError, openStorage } from '../src/storage/index.js';

describe('PostgreSQL that never answers', () => {
  const sockets: Socket[] = [];
  const silent = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
  });
  let port = 0;

  beforeAll(async () => {
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    port = (silent.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => silent.close(resolve));
  });

  it('gives up after the connect time limit with DatabaseUnreachableError', async () => {
    const opening = openStorage({ databaseUrl: `postgres://postgres@127.0.0.1:${port}/x`, dataDir: '', poolSize: 2, connectTimeoutMs: 300 });
    const error = await opening.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(DatabaseUnreachableError);
    expect((error as Error).message).toMatch(/^cannot reach PostgreSQL postgres:\/\/postgres@127\.0\.0\.1:\d+\/x: .*timeout/i);
  });
});
