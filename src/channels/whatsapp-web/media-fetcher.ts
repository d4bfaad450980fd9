// Fetches the media URL of a push once and keeps it in the database, cached by a hash of the URL (as
// the Picky docs describe: a changed file behind the same URL is not fetched again). Every URL and
// redirect passes the URL policy, so a push cannot make the gateway fetch private addresses.
import { createHash } from 'node:crypto';
import type { Clock, UrlPolicy, WhatsAppWebStore } from '../../core/index.js';

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
  clock: Clock;
  maxBytes: number;
  timeoutMs: number;
}

const MAX_REDIRECTS = 3;

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
      let response: Response;
      try {
        response = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(this.deps.timeoutMs) });
      } catch (error) {
        throw new MediaFetchError(`media URL could not be fetched: ${(error as Error).message}`, true);
      }
      const location = response.headers.get('location');
      if (response.status >= 300 && response.status < 400 && location) {
        url = new URL(location, url).toString();
        continue;
      }
      if (!response.ok) throw new MediaFetchError(`media URL answered HTTP ${response.status}`, response.status >= 500);
      const data = await this.readLimited(response);
      const mime = (response.headers.get('content-type') ?? 'application/octet-stream').split(';')[0]!.trim();
      const fileName = decodeURIComponent(new URL(url).pathname.split('/').pop() ?? '') || 'file';
      return { data, mime, fileName };
    }
    throw new MediaFetchError(`media URL redirects more than ${MAX_REDIRECTS} times`, false);
  }

  private async readLimited(response: Response): Promise<Buffer> {
    const tooLarge = () => new MediaFetchError(`media is larger than ${this.deps.maxBytes} bytes`, false);
    if (Number(response.headers.get('content-length') ?? 0) > this.deps.maxBytes) throw tooLarge();
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of response.body ?? []) {
      size += chunk.length;
      if (size > this.deps.maxBytes) throw tooLarge();
      chunks.push(Buffer.from(chunk));
    }
    return Buffer.concat(chunks);
  }
}
