// The Graph wrapper against the fake Graph server: Graph's error object becomes GraphError with its code,
// media downloads stop at the size limit, and an unreachable Graph is a transport error (code 0).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphClient, GraphError } from '../src/channels/meta/index.js';
import { startFakeGraph, type FakeGraph } from './support/fake-graph.js';

let graph: FakeGraph;
beforeAll(async () => {
  graph = await startFakeGraph();
});
afterAll(async () => {
  await graph.close();
});

describe('GraphClient', () => {
  it('turns Graph errors into GraphError with code, subcode and details', async () => {
    const client = new GraphClient({ baseUrl: graph.url, timeoutMs: 5000 });
    graph.failNext('/messages', { httpStatus: 400, code: 131047, subcode: 2494010, message: 'Re-engagement message', details: 'more than 24 hours' });
    const error = (await client.postJson('123/messages', 'token', { to: '1' }).catch((caught: unknown) => caught)) as GraphError;
    expect(error).toBeInstanceOf(GraphError);
    expect({ code: error.code, subcode: error.subcode, httpStatus: error.httpStatus, details: error.details }).toEqual({ code: 131047, subcode: 2494010, httpStatus: 400, details: 'more than 24 hours' });
  });

  it('downloads media with the bearer token and refuses media over the limit', async () => {
    const client = new GraphClient({ baseUrl: `${graph.url}/`, timeoutMs: 5000 });
    graph.addMedia('42', Buffer.alloc(100, 1), 'image/png');
    expect(await client.downloadMedia('42', 'token', 100)).toEqual({ data: Buffer.alloc(100, 1), mime: 'image/png' });
    await expect(client.downloadMedia('42', 'token', 99)).rejects.toThrow(/larger than 99 bytes/);
  });

  it('reports an unreachable Graph as code 0, HTTP 0', async () => {
    const client = new GraphClient({ baseUrl: 'http://127.0.0.1:9/v21.0', timeoutMs: 2000 });
    const error = (await client.getJson('x', 'token').catch((caught: unknown) => caught)) as GraphError;
    expect({ code: error.code, httpStatus: error.httpStatus }).toEqual({ code: 0, httpStatus: 0 });
  });
});
