// HTTP: the Picky v2 API, health probes, and the conventions every endpoint shares.
export { buildHttpServer, type HttpServer, type HttpServerDeps } from './http-server.js';
export { AuthThrottle } from './auth-throttle.js';
export { HttpCloser } from './http-closer.js';
export { PICKY_PREFIXES, registerPickyEndpoint, checkInput, type PickyEndpoint, type RequestContext } from './picky-endpoint.js';
export { success, failure } from './picky-response.js';
export { PushRateLimit } from './push-rate-limit.js';
export { ConsoleSessions } from './console-session.js';
