// Fetches the media URL of a push once and keeps it in the database, cached by a hash of the URL (as
// the Picky docs describe: a changed file behind the same URL is not fetched again). Every URL and
// redirect passes the URL policy, and the injected getter re-checks the address it connects to, so a
// push cannot make the gateway fetch private addresses (not even by changing its DNS after the check).
import { createHash } from 'node:crypto';
import { ReservedAddressError, type Clock, type HttpGetResponse, type HttpGetter, type UrlPolicy, type WhatsAppWebStore } from '../../core/index.js';

export interface FetchedMedia {
  data: Buffer;
  mime: string;
  fileName: string;
}

export class MediaFetchError extends Error {
  constructor(
    message: string,
    readonly isRetryable: boolean,
  ) {
    super(message);
    this.name = 'MediaFetchError';
  }
}

export interface MediaFetcherDeps {
  store: () => WhatsAppWebStore;
  urlPolicy: UrlPolicy;
  /** Makes the GETs; its connect-time guard must follow the same private-address setting as the policy. */
  http: HttpGetter;
  clock: Clock;
  maxBytes: number;
  timeoutMs: number;
}

const MAX_REDIRECTS = 3;

/** The last path segment, decoded when it is valid percent-encoding (`50%off.jpg` is kept as written). */
function fileNameOf(url: string): string {
  const segment = new URL(url).pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(segment) || 'file';
  } catch {
    return segment || 'file';
  }
}

export class MediaFetcher {
  constructor(private readonly deps: MediaFetcherDeps) {}

  async fetch(url: string): Promise<FetchedMedia> {
    const id = `url:${createHash('sha256').update(url).digest('hex')}`;
    const cached = await this.deps.store().findMedia(id);
    if (cached) return cached;
    const media = await this.download(url);
    await this.deps.store().putMedia({ id, channelId: null, url, ...media, createdAt: this.deps.clock.now() });
    return media;
  }

  private async download(firstUrl: string): Promise<FetchedMedia> {
    let url = firstUrl;
    for (let hop = 0; hop <= MAX_REDIRECTS; hop += 1) {
      const problem = await this.deps.urlPolicy.problem(url);
      if (problem) throw new MediaFetchError(`media URL ${problem}`, false);
      const signal = AbortSignal.timeout(this.deps.timeoutMs);
      let response: HttpGetResponse;
      try {
        response = await this.deps.http.get(url, { signal });
      } catch (error) {
        if (error instanceof ReservedAddressError) throw new MediaFetchError(`media URL ${error.message}`, false);
        throw new MediaFetchError(`media URL could not be fetched: ${signal.aborted ? `no answer within ${this.deps.timeoutMs} ms` : (error as Error).message}`, true);
      }
      const location = response.header('location');
      if (response.status >= 300 && response.status < 400 && location) {
        await response.discard().catch(() => undefined);
        url = new URL(location, url).toString();
        continue;
      }
      if (response.status < 200 || response.status >= 300) {
        await response.discard().catch(() => undefined);
        throw new MediaFetchError(`media URL answered HTTP ${response.status}`, response.status >= 500);
      }
      const data = await this.readLimited(response, signal);
      const mime = (response.header('content-type') ?? 'application/octet-stream').split(';')[0]!.trim();
      const fileName = fileNameOf(url);
      return { data, mime, fileName };
    }
    throw new MediaFetchError(`media URL redirects more than ${MAX_REDIRECTS} times`, false);
  }

  private async readLimited(response: HttpGetResponse, signal: AbortSignal): Promise<Buffer> {
    const tooLarge = () => new MediaFetchError(`media is larger than ${this.deps.maxBytes} bytes`, false);
    if (Number(response.header('content-length') ?? 0) > this.deps.maxBytes) {
      await response.discard().catch(() => undefined);
      throw tooLarge();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body) {
        size += chunk.length;
        if (size > this.deps.maxBytes) throw tooLarge();
        chunks.push(Buffer.from(chunk));
      }
    } catch (error) {
      if (error instanceof MediaFetchError) throw error;
      // The body stopped coming (timeout, connection lost): worth another try later.
      throw new MediaFetchError(`media download broke off: ${signal.aborted ? `not complete within ${this.deps.timeoutMs} ms` : (error as Error).message}`, true);
    }
    return Buffer.concat(chunks);
  }
}
