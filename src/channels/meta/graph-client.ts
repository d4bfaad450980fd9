// The one file that talks HTTP to Meta's Graph API (Cloud API, Send API, templates, media): JSON calls
// with a bearer token, media upload and download, and Graph's error object turned into GraphError.
// Its base URL is configuration (not user input), so it is not subject to the private-URL policy.
import { type Json, asRecord } from './graph-json.js';

/** Graph's own error (`{error: {code, error_subcode, message, …}}`), or a transport failure (code 0). */
export class GraphError extends Error {
  override readonly name = 'GraphError';
  constructor(
    message: string,
    /** Graph's error code; 0 when Graph was not reached or answered something that is not Graph's. */
    readonly code: number,
    readonly subcode: number,
    readonly httpStatus: number,
    /** Graph's error title/details when given. */
    readonly details: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export interface GraphClientOptions {
  /** Graph base URL with its version, e.g. https://graph.facebook.com/v21.0 (no trailing slash needed). */
  baseUrl: string;
  timeoutMs: number;
}

export interface DownloadedMedia {
  data: Buffer;
  mime: string;
}

export class GraphClient {
  private readonly base: string;
  /** Aborted by close: a stopping gateway cuts its Graph calls at once (a send cut off is queued again). */
  private readonly closing = new AbortController();

  constructor(private readonly options: GraphClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  /** `POST {graph}/{path}` with a JSON body; answers Graph's JSON answer. */
  postJson(path: string, token: string, body: unknown): Promise<Json> {
    return this.call('POST', path, token, { body: JSON.stringify(body), contentType: 'application/json' });
  }

  /** `DELETE {graph}/{path}` with a JSON body (Graph reads one on some DELETEs, e.g. group participants). */
  deleteJson(path: string, token: string, body: unknown): Promise<Json> {
    return this.call('DELETE', path, token, { body: JSON.stringify(body), contentType: 'application/json' });
  }

  /** `GET {graph}/{path}?query`. */
  getJson(path: string, token: string, query: Record<string, string> = {}): Promise<Json> {
    const search = new URLSearchParams(query).toString();
    return this.call('GET', search ? `${path}?${search}` : path, token, {});
  }

  /** Uploads media for a phone number (`POST /{phone_number_id}/media`, multipart); answers its media id. */
  async uploadMedia(phoneNumberId: string, token: string, media: { data: Buffer; mime: string; fileName: string }): Promise<string> {
    const form = new FormData();
    form.append('messaging_product', 'whatsapp');
    form.append('type', media.mime);
    form.append('file', new Blob([media.data], { type: media.mime }), media.fileName || 'file');
    const answer = await this.call('POST', `${encodeURIComponent(phoneNumberId)}/media`, token, { form });
    const id = typeof answer.id === 'string' ? answer.id : '';
    if (!id) throw new GraphError('Graph answered a media upload without an id', 0, 0, 200, '');
    return id;
  }

  /**
   * Downloads received media: `GET /{media_id}` gives a short-lived URL, fetched with the same bearer
   * token. Stops past `maxBytes` (the declared size is checked first, the body as it comes).
   */
  async downloadMedia(mediaId: string, token: string, maxBytes: number): Promise<DownloadedMedia> {
    const meta = await this.getJson(encodeURIComponent(mediaId), token);
    const url = typeof meta.url === 'string' ? meta.url : '';
    if (!url) throw new GraphError(`Graph gave no URL for media ${mediaId}`, 0, 0, 200, '');
    if (typeof meta.file_size === 'number' && meta.file_size > maxBytes) throw new GraphError(`media ${mediaId} is larger than ${maxBytes} bytes`, 0, 0, 200, '');
    const signal = this.callSignal();
    let response: Response;
    try {
      response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal, redirect: 'follow' });
    } catch (error) {
      throw new GraphError(`media download failed: ${(error as Error).message}`, 0, 0, 0, '', { cause: error });
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel().catch(() => undefined);
      throw new GraphError(`media download answered HTTP ${response.status}`, 0, 0, response.status, '');
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        size += chunk.length;
        if (size > maxBytes) {
          await response.body.cancel().catch(() => undefined);
          throw new GraphError(`media ${mediaId} is larger than ${maxBytes} bytes`, 0, 0, 200, '');
        }
        chunks.push(Buffer.from(chunk));
      }
    } catch (error) {
      if (error instanceof GraphError) throw error;
      throw new GraphError(`media download broke off: ${(error as Error).message}`, 0, 0, 0, '', { cause: error });
    }
    const mime = (response.headers.get('content-type') ?? (typeof meta.mime_type === 'string' ? meta.mime_type : 'application/octet-stream')).split(';')[0]!.trim();
    return { data: Buffer.concat(chunks), mime };
  }

  /** Cuts every call in flight and refuses new ones; they fail as transport errors (code 0). */
  close(): void {
    this.closing.abort();
  }

  private callSignal(): AbortSignal {
    return AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs), this.closing.signal]);
  }

  private async call(method: 'GET' | 'POST' | 'DELETE', path: string, token: string, payload: { body?: string; contentType?: string; form?: FormData }): Promise<Json> {
    const url = `${this.base}/${path.replace(/^\/+/, '')}`;
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (payload.contentType) headers['content-type'] = payload.contentType;
    const signal = this.callSignal();
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { method, headers, body: payload.form ?? payload.body ?? null, signal, redirect: 'error' });
      text = await response.text();
    } catch (error) {
      const why = this.closing.signal.aborted ? 'the gateway is stopping' : signal.aborted ? `no answer within ${this.options.timeoutMs} ms` : (error as Error).message;
      throw new GraphError(`Graph could not be reached: ${why}`, 0, 0, 0, '', { cause: error });
    }
    let json: Json;
    try {
      json = asRecord(JSON.parse(text));
    } catch {
      throw new GraphError(`Graph answered HTTP ${response.status} with a body that is not JSON`, 0, 0, response.status, '');
    }
    const error = asRecord(json.error);
    if (!response.ok || Object.keys(error).length > 0) {
      const code = typeof error.code === 'number' ? error.code : 0;
      const subcode = typeof error.error_subcode === 'number' ? error.error_subcode : 0;
      const details = String(asRecord(error.error_data).details ?? error.error_user_msg ?? '');
      const message = typeof error.message === 'string' ? error.message : `Graph answered HTTP ${response.status}`;
      throw new GraphError(message, code, subcode, response.status, details);
    }
    return json;
  }
}
