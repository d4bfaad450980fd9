// The typed client of the Switchboard API: one method per endpoint (generated from /openapi.json), the
// project or master token added per endpoint, Idempotency-Key, and refusals thrown as PickyStatusError.
import { ENDPOINTS, SwitchboardEndpoints, type CallOptions, type EndpointName, type EndpointTypes, type RequestOf } from './generated-types.js';
import { PickyStatusError, isPickyStatusCode } from './picky-status-error.js';

/** The part of `fetch` the client uses; tests may pass one that does not open a socket. */
export type FetchLike = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<{ status: number; text(): Promise<string> }>;

export interface SwitchboardClientOptions {
  /** The gateway, e.g. `http://localhost:8080` (the client posts to `<baseUrl>/api/v2/<endpoint>`). */
  baseUrl: string;
  /** A project API token: push, reports, devices, templates… */
  token?: string;
  /** The account's master token: `pm/*`. */
  masterToken?: string;
  fetch?: FetchLike;
  /** Time a call may take before it is aborted (30 s unless given). */
  timeoutMs?: number;
}

/** The gateway answered something that is not a Picky answer (a proxy's error page, a cut connection). */
export class SwitchboardTransportError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SwitchboardTransportError';
  }
}

export class SwitchboardClient extends SwitchboardEndpoints {
  private readonly baseUrl: string;
  private readonly fetcher: FetchLike;

  constructor(private readonly options: SwitchboardClientOptions) {
    super();
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.fetcher = options.fetch ?? ((url, init) => fetch(url, init));
  }

  /** Posts to an endpoint; answers the success answer, or throws PickyStatusError with the status. */
  async call<E extends EndpointName>(endpoint: E, request: RequestOf<E>, options: CallOptions = {}): Promise<EndpointTypes[E]['answer']> {
    const token = (request as { token?: string }).token ?? (ENDPOINTS[endpoint].auth === 'master' ? this.options.masterToken : this.options.token);
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
    if (options.idempotencyKey !== undefined) headers['idempotency-key'] = options.idempotencyKey;
    const signal = options.signal ?? AbortSignal.timeout(this.options.timeoutMs ?? 30_000);
    let response: { status: number; text(): Promise<string> };
    try {
      response = await this.fetcher(`${this.baseUrl}/api/v2/${endpoint}`, { method: 'POST', headers, body: JSON.stringify({ ...request, token }), signal });
    } catch (error) {
      throw new SwitchboardTransportError(`POST ${endpoint} failed: ${(error as Error).message}`, { cause: error });
    }
    const text = await response.text();
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch (error) {
      throw new SwitchboardTransportError(`POST ${endpoint}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`, { cause: error });
    }
    // conference-report answers an array; every other success carries status 100.
    if (Array.isArray(answer)) return answer as EndpointTypes[E]['answer'];
    const status = (answer as { status?: unknown } | null)?.status;
    if (status === 100) return answer as EndpointTypes[E]['answer'];
    if (isPickyStatusCode(status)) throw new PickyStatusError(status, answer as Record<string, unknown>, response.status);
    throw new SwitchboardTransportError(`POST ${endpoint}: HTTP ${response.status}, no Picky status in ${text.slice(0, 200)}`);
  }
}
