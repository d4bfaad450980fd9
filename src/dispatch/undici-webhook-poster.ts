// The only file that speaks HTTP to the outside world (undici): webhook calls (keep-alive pools per
// origin, a time limit per call, 307/308 redirects followed only where the URL policy allows) and media
// GETs. Unless private addresses are allowed, both connect through one guard that refuses reserved
// addresses at connect time (so a name that passed the policy check cannot be switched to a private
// address before the connection is made).
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import type { HostResolver, HttpGetResponse, HttpGetter, WebhookHttpRequest, WebhookHttpResponse, WebhookPoster } from '../core/index.js';
import { ReservedAddressError } from '../core/index.js';
import { isReservedAddress } from './reserved-addresses.js';

/** Enough of the receiver's answer for any instant reply; the rest is not read. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_REDIRECTS = 3;

export interface GuardOptions {
  allowPrivate: boolean;
  /** How connections resolve host names; DNS unless given (tests rebind a name through it). */
  resolve?: HostResolver;
}

export interface PosterOptions extends GuardOptions {
  /** Connections per origin. */
  connections: number;
}

type LookupAddress = { address: string; family: number };
type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

const resolveWithDns: HostResolver = async (host) => (await dnsLookup(host, { all: true })).map((entry) => entry.address);

/** The `lookup` a connection uses: resolves, then refuses the whole answer if any address is reserved. */
function guardedLookup(resolve: HostResolver) {
  return (hostname: string, options: { all?: boolean; family?: number | string }, callback: LookupCallback): void => {
    const wanted = options.family === 4 || options.family === 'IPv4' ? 4 : options.family === 6 || options.family === 'IPv6' ? 6 : 0;
    resolve(hostname).then(
      (addresses) => {
        const reserved = addresses.find(isReservedAddress);
        if (reserved) return callback(new ReservedAddressError(hostname, reserved), '');
        const entries = addresses.map((address) => ({ address, family: isIP(address) })).filter((entry) => wanted === 0 || entry.family === wanted);
        if (entries.length === 0) return callback(Object.assign(new Error(`host '${hostname}' does not resolve`), { code: 'ENOTFOUND' }), '');
        if (options.all) return callback(null, entries);
        callback(null, entries[0]!.address, entries[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, ''),
    );
  };
}

/** A connection pool whose connections pass the address guard unless private addresses are allowed. */
function guardedAgent(options: GuardOptions & { connections: number }): Agent {
  return new Agent({
    connections: options.connections,
    keepAliveTimeout: 30_000,
    ...(options.allowPrivate ? {} : { connect: { lookup: guardedLookup(options.resolve ?? resolveWithDns) as never } }),
  });
}

/** The guard's refusal, wherever undici has wrapped it. */
function reservedIn(error: unknown): ReservedAddressError | undefined {
  for (let current = error; current instanceof Error; current = (current as { cause?: unknown }).cause) {
    if (current instanceof ReservedAddressError) return current;
  }
  return undefined;
}

async function readStart(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_RESPONSE_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8');
}

export function createWebhookPoster(options: PosterOptions): WebhookPoster {
  const agent = guardedAgent(options);
  return {
    async post(call: WebhookHttpRequest): Promise<WebhookHttpResponse> {
      const started = performance.now();
      const timeout = AbortSignal.timeout(call.timeoutMs);
      const signal = call.signal ? AbortSignal.any([timeout, call.signal]) : timeout;
      let url = call.url;
      try {
        for (let hop = 0; ; hop += 1) {
          const response = await request(url, { dispatcher: agent, method: 'POST', headers: call.headers, body: call.body, signal });
          const location = response.headers.location;
          if ((response.statusCode === 307 || response.statusCode === 308) && typeof location === 'string' && hop < MAX_REDIRECTS) {
            await response.body.dump();
            const next = new URL(location, url).toString();
            const refused = await call.checkRedirect(next);
            if (refused) throw new Error(`redirect to ${next} not followed: ${refused}`);
            url = next;
            continue;
          }
          const body = await readStart(response.body);
          return { status: response.statusCode, body, latencyMs: Math.round(performance.now() - started) };
        }
      } catch (error) {
        if (call.signal?.aborted) throw new Error('call cut: the gateway is stopping');
        if (timeout.aborted) throw new Error(`no answer within ${call.timeoutMs} ms`);
        const cause = (error as { cause?: Error }).cause;
        throw new Error(cause?.message ? `${(error as Error).message}: ${cause.message}` : (error as Error).message);
      }
    },
    // Calls still open were cut by the caller's signal; destroy() also ends any connection left open, so
    // that stopping never waits on a receiver.
    close: () => agent.destroy(),
  };
}

/** Media GETs: redirects are returned, not followed, so that the caller checks each one. */
export function createMediaGetter(options: GuardOptions & { connections?: number }): HttpGetter {
  const agent = guardedAgent({ ...options, connections: options.connections ?? 8 });
  return {
    async get(url: string, call: { signal: AbortSignal }): Promise<HttpGetResponse> {
      try {
        const response = await request(url, { dispatcher: agent, method: 'GET', signal: call.signal });
        const { headers } = response;
        return {
          status: response.statusCode,
          header: (name) => {
            const value = headers[name];
            return Array.isArray(value) ? value[0] : value;
          },
          body: response.body,
          discard: () => response.body.dump(),
        };
      } catch (error) {
        throw reservedIn(error) ?? error;
      }
    },
    // A download still running when the gateway stops is cut, not waited for (it has its own time limit).
    close: () => agent.destroy(),
  };
}
