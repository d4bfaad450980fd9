// What /openapi.json says of each Picky endpoint, declared beside the route (registerPickyEndpoint's `doc`),
// and the catalog of registered endpoints the document is built from: one source for routes and docs.
import type { TObject, TSchema } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Status, type StatusCode } from '../core/index.js';

export interface EndpointDoc {
  /** One line for the reference page. */
  summary: string;
  /** More, in Markdown: rules, quirks, what the answer holds. */
  description?: string;
  /** The group the reference page shows it in. */
  tag: 'Push' | 'Reports' | 'Devices' | 'Conference' | 'Templates' | 'WhatsApp Web' | 'Projects' | 'Channels' | 'Webhooks' | 'Groups' | 'Settings';
  /**
   * Picky statuses this endpoint answers besides those every endpoint answers (100, the authentication
   * statuses of its token kind, 410, 429 and 500; see COMMON_CODES).
   */
  codes: readonly StatusCode[];
  /** The request's documented shape, for endpoints that read their own input (RAW_INPUT); others use their schema. */
  request?: TObject;
  /** The success answer's shape beside `status` and `message` (or the whole answer, for array answers). */
  response?: TSchema;
  /** A request and its answer, from the contract where it has one. */
  example?: { request: Record<string, unknown>; response: unknown };
}

/** Every endpoint can answer these: success, its token refused, a bad body, throttling, a bug. */
export const COMMON_CODES = {
  master: [Status.success, Status.authenticationFailed, Status.invalidUser, Status.invalidRequest, Status.tooManyRequests, Status.internalError],
  project: [Status.success, Status.authenticationFailed, Status.projectNotActive, Status.invalidUser, Status.invalidRequest, Status.tooManyRequests, Status.internalError],
} as const satisfies Record<string, readonly StatusCode[]>;

export interface DocumentedEndpoint {
  name: string;
  auth: 'master' | 'project';
  /** The schema the route validates with (absent for RAW_INPUT endpoints, which give `doc.request`). */
  schema: TObject | undefined;
  doc: EndpointDoc;
}

/** Every status a documented endpoint can answer, sorted. */
export function codesOf(endpoint: Pick<DocumentedEndpoint, 'auth' | 'doc'>): StatusCode[] {
  return [...new Set<StatusCode>([...COMMON_CODES[endpoint.auth], ...endpoint.doc.codes])].sort((a, b) => a - b);
}

const catalogs = new WeakMap<FastifyInstance, DocumentedEndpoint[]>();
const routeLists = new WeakMap<FastifyInstance, { method: string; url: string }[]>();

/** Keeps the list of every route registered on `app` (the document's coverage test reads it). */
export function trackRoutes(app: FastifyInstance): void {
  const routes: { method: string; url: string }[] = [];
  routeLists.set(app, routes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
}

export function registeredRoutes(app: FastifyInstance): readonly { method: string; url: string }[] {
  return routeLists.get(app) ?? [];
}

export function recordEndpoint(app: FastifyInstance, endpoint: DocumentedEndpoint): void {
  if (endpoint.schema === undefined && endpoint.doc.request === undefined) {
    // A programming error, caught by every test that builds a gateway: the document would have no request.
    throw new Error(`endpoint ${endpoint.name} reads its own input: its doc must give the request's shape`);
  }
  const catalog = catalogs.get(app) ?? [];
  catalog.push(endpoint);
  catalogs.set(app, catalog);
}

export function documentedEndpoints(app: FastifyInstance): readonly DocumentedEndpoint[] {
  return catalogs.get(app) ?? [];
}
