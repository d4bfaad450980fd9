// Builds the Fastify server: body handling shared by every route, the mapping of framework errors to
// Picky answers (410 for bad bodies, never a stack trace), and the routes themselves.
import Fastify, { LogController, type FastifyBaseLogger, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { PickyError, Status } from '../core/index.js';
import { registerHealthRoutes, type ReadinessCheck } from './health-routes.js';
import { clientErrorAnswer } from './client-error-answer.js';
import { PICKY_PREFIXES, sendAnswer } from './picky-endpoint.js';
import { failure } from './picky-response.js';
import { registerPmRoutes, type PmRouteDeps } from './pm-routes.js';
import { registerPushRoutes, type PushRouteDeps } from './push-routes.js';
import { registerDeviceRoutes, type DeviceRouteDeps } from './device-routes.js';
import { registerWebhookRoutes, type WebhookRouteDeps } from './webhook-routes.js';
import { registerConferenceRoutes, type ConferenceRouteDeps } from './conference-routes.js';
import { registerChannelRoutes, type ChannelRouteDeps } from './channel-routes.js';
import { registerWhatsAppWebRoutes, type WhatsAppWebRouteDeps } from './whatsapp-web-routes.js';
import { registerMetaWebhookRoutes, type MetaWebhookRouteDeps } from './meta-webhook-routes.js';
import { registerTemplateRoutes, type TemplateRouteDeps } from './template-routes.js';
import { registerGroupRoutes, type GroupRouteDeps } from './group-routes.js';
import { registerMetricsRoutes, type MetricsRouteDeps } from './metrics-routes.js';
import { registerOpenApiRoutes, type OpenApiRouteDeps } from './openapi-routes.js';
import { trackRoutes } from './endpoint-doc.js';
import { registerConsoleRoutes, type ConsoleRouteDeps } from './console-routes.js';
import { registerConsoleLive } from './console-live.js';
import { registerConsoleStatic } from './console-static.js';
import { registerAppPhoneRoutes, type AppPhoneRouteDeps } from './app-phone-routes.js';

/** The server other layers hold; only `http/` knows it is Fastify. */
export type HttpServer = FastifyInstance;

export interface HttpServerDeps
  extends PmRouteDeps,
    PushRouteDeps,
    DeviceRouteDeps,
    WebhookRouteDeps,
    ConferenceRouteDeps,
    ChannelRouteDeps,
    WhatsAppWebRouteDeps,
    MetaWebhookRouteDeps,
    TemplateRouteDeps,
    GroupRouteDeps,
    MetricsRouteDeps,
    OpenApiRouteDeps,
    ConsoleRouteDeps {
  logger: FastifyBaseLogger;
  bodyLimitBytes: number;
  /** Proxy hops in front of the gateway, or the proxies' addresses: who may name the client in X-Forwarded-For. */
  trustProxy: number | readonly string[];
  /** Time a client has to send a whole request (headers and body). */
  requestTimeoutMs: number;
  readiness: ReadinessCheck;
  /** Where the built console lives (dist/console); served at /console when `console` is given. */
  consoleDir: string;
  /** Live console streams: how often they read the database, and how long one lasts. */
  consoleLive: { pollMs: number; maxStreamMs: number };
  /** The mobile API of the SMS Gateway for Android app; absent, its paths answer 404. */
  appPhones?: Omit<AppPhoneRouteDeps, 'throttle'>;
}

/** Never `true`, which believes every hop of X-Forwarded-For: a client could pick its own address. */
function trustProxyOption(trust: number | readonly string[]): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust !== 'number') return [...trust];
  if (trust === 0) return false;
  // Fastify takes no hop count (a client that reaches the gateway directly could name itself): the
  // operator who sets one states that only that many proxies stand between clients and the gateway.
  return (_address, hop) => hop < trust;
}

/** How often Node looks for requests past their time limit. */
function checkingIntervalFor(requestTimeoutMs: number): number {
  return Math.max(25, Math.min(1000, Math.floor(requestTimeoutMs / 4)));
}

function isPickyPath(url: string): boolean {
  return PICKY_PREFIXES.some((prefix) => url.startsWith(prefix));
}

export function buildHttpServer(deps: HttpServerDeps): FastifyInstance {
  const app = Fastify({
    loggerInstance: deps.logger,
    bodyLimit: deps.bodyLimitBytes,
    trustProxy: trustProxyOption(deps.trustProxy),
    // A body that stalls after the headers must not hold its socket for ever. Node checks the limit on a
    // timer (every 30 s by default): check often enough that the limit holds to within a fraction of itself.
    requestTimeout: deps.requestTimeoutMs,
    http: { requestTimeout: deps.requestTimeoutMs, headersTimeout: deps.requestTimeoutMs, connectionsCheckingInterval: checkingIntervalFor(deps.requestTimeoutMs) },
    clientErrorHandler: clientErrorAnswer(deps.requestTimeoutMs),
    // Per-request logs would double the log volume at push rates; errors are still logged.
    logController: new LogController({ disableRequestLogging: true }),
    // Fastify's own 503 body is not a Picky answer (and 503 means "Invalid PushId" to Picky clients): a
    // request read during shutdown is answered as usual; new connections are refused (see HttpCloser).
    return503OnClosing: false,
    // A path the router cannot decode (bad percent-encoding) or with a segment over its length limit is
    // refused in the Picky shape, like every other refusal, instead of with Fastify's own body.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return reply.code(404).send(failure(new PickyError(Status.invalidRequest, 'no endpoint at this path: a path segment is longer than 100 characters')));
      const detail = error.code === 'FST_ERR_BAD_URL' ? 'the request path is not valid percent-encoding' : 'the request cannot be routed';
      return reply.code(400).send(failure(new PickyError(Status.invalidRequest, detail)));
    },
  });

  // Node answers an `Expect` other than `100-continue` with a bare 417 unless told otherwise; the
  // gateway ignores an expectation it does not know (RFC 9110 allows it) and serves the request.
  app.server.on('checkExpectation', (request, response) => app.server.emit('request', request, response));

  trackRoutes(app);

  // Every body is read as bytes and interpreted by the endpoint: Picky clients send JSON, JSON inside a
  // `data` form field, or JSON with no content type at all, and all of them must work.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.statusCode === 413) {
      return sendAnswer(reply, failure(new PickyError(Status.invalidRequest, `body is larger than ${deps.bodyLimitBytes} bytes`)));
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return sendAnswer(reply, failure(new PickyError(Status.invalidRequest, error.message)));
    }
    request.log.error({ err: error, reqId: request.id }, 'request failed');
    return sendAnswer(reply, { ...failure(new PickyError(Status.internalError)), request_id: request.id });
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (isPickyPath(path) && request.method !== 'POST') {
      return reply.code(405).send({ ...failure(new PickyError(Status.invalidRequest, `${request.method} is not supported; Picky endpoints take POST`)) });
    }
    return reply.code(404).send(failure(new PickyError(Status.invalidRequest, `no endpoint ${request.method} ${path}`)));
  });

  // First: its hook counts the answers of every route registered after it.
  registerMetricsRoutes(app, deps);
  registerHealthRoutes(app, deps.readiness);
  registerOpenApiRoutes(app, deps);
  registerPmRoutes(app, deps);
  registerPushRoutes(app, deps);
  registerDeviceRoutes(app, deps);
  registerWebhookRoutes(app, deps);
  registerConferenceRoutes(app, deps);
  registerChannelRoutes(app, deps);
  registerWhatsAppWebRoutes(app, deps);
  registerMetaWebhookRoutes(app, deps);
  registerTemplateRoutes(app, deps);
  registerGroupRoutes(app, deps);
  if (deps.console) {
    registerConsoleRoutes(app, deps);
    registerConsoleLive(app, { ...deps, ...deps.consoleLive, sessions: deps.console.sessions });
    registerConsoleStatic(app, deps.consoleDir);
  }
  if (deps.appPhones) registerAppPhoneRoutes(app, { ...deps.appPhones, throttle: deps.throttle });
  return app;
}
