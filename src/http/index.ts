// HTTP: the Picky v2 API, health probes, and the conventions every endpoint shares.
export { buildHttpServer, type HttpServer, type HttpServerDeps } from './http-server.js';
export { AuthThrottle } from './auth-throttle.js';
export { HttpCloser } from './http-closer.js';
export { PICKY_PREFIXES, registerPickyEndpoint, checkInput, type PickyEndpoint, type RequestContext } from './picky-endpoint.js';
export { success, failure } from './picky-response.js';
export { PushRateLimit } from './push-rate-limit.js';
export type { MetricsExposition } from './metrics-routes.js';
export { documentedEndpoints, registeredRoutes, codesOf, COMMON_CODES, type DocumentedEndpoint, type EndpointDoc } from './endpoint-doc.js';
export { buildOpenApiDocument, pascalName, PICKY_PATH_PREFIX } from './openapi-document.js';
export { UNDOCUMENTED_PREFIXES } from './openapi-other-paths.js';
export { ConsoleSessions } from './console-session.js';
