// One webhook call: checks the URL against the policy at send time (DNS can change after it was
// configured), renders and signs the body, posts it, and reads the answer into an attempt outcome.
import type { Clock } from '../clock.js';
import type { UrlPolicy } from '../url-policy.js';
import { parseInstantReply } from './instant-reply.js';
import { renderWebhookBody } from './webhook-body.js';
import type { WebhookFormat } from '../project.js';
import type { AttemptOutcome } from './webhook-delivery.js';
import { EVENT_ID_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from './webhook-signature.js';

export interface WebhookHttpRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** Cuts the call before its time limit (the gateway is stopping). */
  signal?: AbortSignal;
  /** Asked before following a redirect: a reason to refuse the new URL, or undefined. */
  checkRedirect(url: string): Promise<string | undefined>;
}

export interface WebhookHttpResponse {
  status: number;
  /** The start of the answer's body (enough for an instant reply). */
  body: string;
  latencyMs: number;
}

/** Posts over HTTP; rejects with a readable Error when no answer came (refused, timed out, unreachable). */
export interface WebhookPoster {
  post(request: WebhookHttpRequest): Promise<WebhookHttpResponse>;
  close(): Promise<void>;
}

export interface WebhookCall {
  url: string;
  format: WebhookFormat;
  payload: string;
  eventId: string;
  secret: string;
  attempt: number;
}

export interface CallResult {
  outcome: AttemptOutcome;
  response: WebhookHttpResponse | undefined;
}

export const USER_AGENT = 'Switchboard-Webhooks/1';

export class WebhookCaller {
  /** Aborted when the gateway stops: every call still waiting for an answer ends at once. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly deps: { poster: WebhookPoster; urlPolicy: UrlPolicy; clock: Clock; timeoutMs: number },
  ) {}

  /** Ends every call in flight now, and any made afterwards, as a failure ("the gateway is stopping"). */
  abort(): void {
    this.stopping.abort();
  }

  close(): Promise<void> {
    this.abort();
    return this.deps.poster.close();
  }

  /** `signal` cuts this call short (a stopping dispatcher), as abort() cuts them all. */
  async call(call: WebhookCall, signal?: AbortSignal): Promise<CallResult> {
    const refused = await this.deps.urlPolicy.problem(call.url);
    if (refused) return { outcome: { isDelivered: false, error: `URL refused: ${refused}`, responseCode: null, latencyMs: null }, response: undefined };
    const { body, contentType } = renderWebhookBody(call.payload, call.format);
    const timestamp = Math.floor(this.deps.clock.now() / 1000);
    const headers = {
      'content-type': contentType,
      'user-agent': USER_AGENT,
      [EVENT_ID_HEADER]: call.eventId,
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signWebhook(call.secret, timestamp, body),
      'x-switchboard-attempt': String(call.attempt),
    };
    let response: WebhookHttpResponse;
    try {
      const stop = signal ? AbortSignal.any([this.stopping.signal, signal]) : this.stopping.signal;
      response = await this.deps.poster.post({ url: call.url, body, headers, timeoutMs: this.deps.timeoutMs, signal: stop, checkRedirect: (url) => this.deps.urlPolicy.problem(url) });
    } catch (error) {
      return { outcome: { isDelivered: false, error: (error as Error).message.slice(0, 500), responseCode: null, latencyMs: null }, response: undefined };
    }
    if (response.status >= 200 && response.status < 300) {
      return { outcome: { isDelivered: true, responseCode: response.status, latencyMs: response.latencyMs, reply: parseInstantReply(response.body) }, response };
    }
    return { outcome: { isDelivered: false, error: `HTTP ${response.status}`, responseCode: response.status, latencyMs: response.latencyMs }, response };
  }
}
