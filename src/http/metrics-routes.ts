// `GET /metrics` (Prometheus text format) behind its bearer token, and the hook that times every answer
// and counts it by endpoint and Picky status.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PickyError, Status } from '../core/index.js';
import { PICKY_PREFIXES } from './picky-endpoint.js';
import { failure } from './picky-response.js';

/** What http/ needs of the metrics: the exposition, and a place to count answers. */
export interface MetricsExposition {
  readonly contentType: string;
  render(): Promise<string>;
  requestAnswered(endpoint: string, status: number, seconds: number): void;
}

export interface MetricsRouteDeps {
  metrics: MetricsExposition;
  /** Bearer token /metrics asks for; empty: only loopback clients are answered. */
  metricsToken: string;
}

const digest = (text: string) => createHash('sha256').update(text).digest();

function isLoopback(ip: string): boolean {
  return ip === '::1' || /^(::ffff:)?127\./.test(ip);
}

/** The route's endpoint label: the Picky endpoint name (both prefixes are one endpoint), else the route pattern. */
function endpointLabel(request: FastifyRequest): string {
  const url = request.routeOptions.url;
  if (url === undefined) return 'unmatched';
  for (const prefix of PICKY_PREFIXES) if (url.startsWith(prefix)) return url.slice(prefix.length);
  return url;
}

// Every Picky answer opens with its status (picky-response.ts keeps it first): a glance at the first bytes
// is enough, and costs nothing next to serialising the answer.
const STATUS_OPENING = '{"status":';

/** The three digits after `{"status":` when they end there, else undefined (read by hand: this runs on every answer). */
function leadingStatus(payload: string): number | undefined {
  if (!payload.startsWith(STATUS_OPENING)) return undefined;
  let status = 0;
  for (let at = STATUS_OPENING.length; at < STATUS_OPENING.length + 3; at += 1) {
    const digit = payload.charCodeAt(at) - 48;
    if (digit < 0 || digit > 9) return undefined;
    status = status * 10 + digit;
  }
  const next = payload.charCodeAt(STATUS_OPENING.length + 3);
  return next >= 48 && next <= 57 ? undefined : status;
}

function statusLabel(reply: FastifyReply, payload: unknown): number {
  if (typeof payload === 'string') {
    const status = leadingStatus(payload);
    if (status !== undefined) return status;
  }
  // Arrays (conference-report), media downloads and non-Picky routes: the HTTP status says it.
  return reply.statusCode === 200 ? 100 : reply.statusCode;
}

export function registerMetricsRoutes(app: FastifyInstance, deps: MetricsRouteDeps): void {
  const expected = deps.metricsToken === '' ? undefined : digest(deps.metricsToken);

  // A callback hook, not an async one: it runs on every answer, and a promise per answer is measurable.
  app.addHook('onSend', (request, reply, payload, done) => {
    const status = request.routeOptions.url?.startsWith('/api/') || request.routeOptions.url?.startsWith('/app/api/') ? statusLabel(reply, payload) : reply.statusCode;
    deps.metrics.requestAnswered(endpointLabel(request), status, reply.elapsedTime / 1000);
    done(null, payload);
  });

  app.get('/metrics', async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const isAllowed = expected ? given !== undefined && timingSafeEqual(digest(given), expected) : isLoopback(request.ip);
    if (!isAllowed) {
      const detail = expected ? 'GET /metrics needs Authorization: Bearer <SWITCHBOARD_METRICS_TOKEN>' : 'GET /metrics answers loopback clients only while SWITCHBOARD_METRICS_TOKEN is unset';
      return reply.code(401).header('www-authenticate', 'Bearer').send(failure(new PickyError(Status.authenticationFailed, detail)));
    }
    return reply.type(deps.metrics.contentType).send(await deps.metrics.render());
  });
}
