// The only file that speaks HTTP to webhook receivers (undici): keep-alive pools per origin, a time
// limit per call, 307/308 redirects followed only where the URL policy allows, and, unless private
// addresses are allowed, a DNS lookup that refuses reserved addresses at connect time (so a name that
// passed the policy check cannot be switched to a private address before the connection is made).
import { lookup, type LookupAddress } from 'node:dns';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import type { WebhookHttpRequest, WebhookHttpResponse, WebhookPoster } from '../core/index.js';
import { isReservedAddress } from '../core/index.js';

/** Enough of the receiver's answer for any instant reply; the rest is not read. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const MAX_REDIRECTS = 3;

export interface PosterOptions {
  /** Connections per origin. */
  connections: number;
  allowPrivate: boolean;
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

function guardedLookup(hostname: string, options: { all?: boolean }, callback: LookupCallback): void {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '');
    const reserved = addresses.find((entry) => isReservedAddress(entry.address));
    if (reserved) return callback(new Error(`host '${hostname}' resolves to a private or reserved address (${reserved.address})`), '');
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
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
  const agent = new Agent({
    connections: options.connections,
    keepAliveTimeout: 30_000,
    ...(options.allowPrivate ? {} : { connect: { lookup: guardedLookup as never } }),
  });
  return {
    async post(call: WebhookHttpRequest): Promise<WebhookHttpResponse> {
      const started = performance.now();
      const signal = AbortSignal.timeout(call.timeoutMs);
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
        if (signal.aborted) throw new Error(`no answer within ${call.timeoutMs} ms`);
        const cause = (error as { cause?: Error }).cause;
        throw new Error(cause?.message ? `${(error as Error).message}: ${cause.message}` : (error as Error).message);
      }
    },
    close: () => agent.close(),
  };
}
