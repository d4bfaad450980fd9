// The mobile API of the SMS Gateway for Android app (`/api/mobile/v1/…`), as the app calls it in private-
// server mode: registration with the project's license key as private token, then the phone's own token
// for its pending messages, state reports, webhook list, settings and server-sent events; and the URL the
// phone posts received SMS to. Answers are the app's (HTTP codes, `{"message": …}` errors), not Picky's.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppPhone, AppPhoneHub } from '../bridge/index.js';
import { withoutNulCharacters } from '../core/index.js';
import type { AuthThrottle } from './auth-throttle.js';

export const MOBILE_API_PATH = '/api/mobile/v1';

export interface AppPhoneRouteDeps {
  appPhones: AppPhoneHub;
  throttle: AuthThrottle;
  /** SWITCHBOARD_PUBLIC_URL as configured ('' when not): the base of the webhook URL phones are given. */
  configuredPublicUrl: string;
}

const NOT_JSON = Symbol('not JSON');

function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization ?? '';
  return /^Bearer /i.test(header) ? header.slice(7).trim() : '';
}

function fail(reply: FastifyReply, code: number, message: string): FastifyReply {
  return reply.code(code).send({ message });
}

/**
 * Bodies arrive as bytes (see http-server.ts); an empty one is `undefined`. What a phone sends (a
 * received SMS, a device name) cannot be refused for a NUL character: it is dropped, so that the text
 * can be stored on PostgreSQL.
 */
function jsonBody(request: FastifyRequest): unknown {
  const body = request.body;
  if (!Buffer.isBuffer(body) || body.length === 0) return undefined;
  try {
    return withoutNulCharacters(JSON.parse(body.toString('utf8')) as unknown);
  } catch {
    return NOT_JSON;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `me.capcom.smsgateway/1.31.0` (the app's User-Agent) → `1.31.0`; anything else as it is. */
function appVersionOf(request: FastifyRequest): string {
  const agent = request.headers['user-agent'] ?? '';
  return /^me\.capcom\.smsgateway\/(\S+)/.exec(agent)?.[1] ?? agent;
}

export function registerAppPhoneRoutes(app: FastifyInstance, deps: AppPhoneRouteDeps): void {
  const hub = deps.appPhones;

  /** The phone of the request's device token; answers 401 (or 429 for an address that keeps failing). */
  async function phoneOf(request: FastifyRequest, reply: FastifyReply): Promise<AppPhone | undefined> {
    if (deps.throttle.isBlocked(request.ip)) {
      fail(reply, 429, 'too many failed authentications from this address');
      return undefined;
    }
    const phone = await hub.authenticate(bearer(request));
    if (phone === 'closing') {
      fail(reply, 503, 'the gateway is stopping; try again');
      return undefined;
    }
    if (phone) return phone;
    // Not counted as an authentication failure: a phone whose device was forgotten keeps polling with its
    // old token (every few seconds while its event stream reconnects), and would get its whole address,
    // often shared behind NAT with the project's own API clients, throttled. Device tokens are 256
    // random bits: guessing them is not what the throttle guards against.
    fail(reply, 401, 'unknown device token');
    return undefined;
  }

  app.post(`${MOBILE_API_PATH}/device`, async (request, reply) => {
    if (deps.throttle.isBlocked(request.ip)) return fail(reply, 429, 'too many failed authentications from this address');
    const body = jsonBody(request);
    if (body === NOT_JSON || (body !== undefined && !isRecord(body))) return fail(reply, 400, 'the body must be a JSON object');
    const name = body?.name ?? 'Android phone';
    if (typeof name !== 'string' || name.length > 128) return fail(reply, 400, 'name must be a string of at most 128 characters');
    const token = bearer(request);
    if (token === '') return fail(reply, 401, 'the private token (the project license key) is required as a Bearer token');
    const registration = await hub.register(token, name, appVersionOf(request), typeof body?.pushToken === 'string' && body.pushToken !== '');
    if (registration === 'bad_token') {
      deps.throttle.recordFailure(request.ip);
      return fail(reply, 401, 'unknown private token');
    }
    if (registration === 'project_not_active') return fail(reply, 403, 'the project is not active');
    return reply.code(201).send(registration);
  });

  // Also asked without a token: the app learns its external address this way (no device then).
  app.get(`${MOBILE_API_PATH}/device`, async (request, reply) => {
    if (bearer(request) === '') return reply.send({ externalIp: request.ip });
    const phone = await phoneOf(request, reply);
    if (!phone) return reply;
    return reply.send({ device: hub.describe(phone), externalIp: request.ip });
  });

  // The app sends its push (FCM) token here; Switchboard reaches phones by events and polls only.
  app.patch(`${MOBILE_API_PATH}/device`, async (request, reply) => {
    const phone = await phoneOf(request, reply);
    if (!phone) return reply;
    const body = jsonBody(request);
    if (!isRecord(body) || typeof body.id !== 'string') return fail(reply, 400, 'the body must be a JSON object with id');
    if (body.id !== phone.device.deviceKey) return fail(reply, 403, 'id is not the id of this device');
    if (typeof body.pushToken === 'string' && body.pushToken !== '') hub.pushTokenNotice(phone.device);
    return reply.code(204).send();
  });

  app.get(`${MOBILE_API_PATH}/message`, async (request, reply) => {
    const phone = await phoneOf(request, reply);
    if (!phone) return reply;
    const order = (request.query as Record<string, unknown>).order;
    if (order !== undefined && order !== 'lifo' && order !== 'fifo') return fail(reply, 400, 'order must be lifo or fifo');
    return reply.send(await hub.pending(phone));
  });

  app.patch(`${MOBILE_API_PATH}/message`, async (request, reply) => {
    const phone = await phoneOf(request, reply);
    if (!phone) return reply;
    const body = jsonBody(request);
    if (body === NOT_JSON) return fail(reply, 400, 'the body is not JSON');
    const refused = await hub.reportStates(phone, body);
    if (refused) return fail(reply, 400, refused.problem);
    return reply.code(204).send();
  });

  // The one webhook the phone is given: received SMS, posted to this gateway.
  app.get(`${MOBILE_API_PATH}/webhooks`, async (request, reply) => {
    const phone = await phoneOf(request, reply);
    if (!phone) return reply;
    const base = deps.configuredPublicUrl !== '' ? deps.configuredPublicUrl.replace(/\/+$/, '') : `${request.protocol}://${request.host}`;
    return reply.send([{ id: 'switchboard-sms-received', deviceId: phone.device.deviceKey, url: `${base}${MOBILE_API_PATH}${hub.hookPath(phone.device)}`, event: 'sms:received' }]);
  });

  // No server-side settings: the app keeps its own.
  app.get(`${MOBILE_API_PATH}/settings`, async (request, reply) => {
    const phone = await phoneOf(request, reply);
    if (!phone) return reply;
    return reply.send({});
  });

  app.get(`${MOBILE_API_PATH}/events`, async (request, reply) => {
    const phone = await phoneOf(request, reply);
    if (!phone) return reply;
    reply.hijack();
    const raw = reply.raw;
    raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    const isOpen = () => !raw.destroyed && !raw.writableEnded;
    raw.write(':connected\n\n');
    const detach = hub.openStream(phone, {
      write: (text) => isOpen() && (raw.write(text), true),
      end: () => {
        if (isOpen()) raw.end();
      },
    });
    raw.on('close', detach);
    // A reset connection: the close above follows; nothing else to do, but it must not be unhandled.
    raw.on('error', () => undefined);
    return reply;
  });

  // Where the phone posts received SMS (and other events it was not asked for, which are acknowledged).
  app.post(`${MOBILE_API_PATH}/hooks/:deviceId/:secret`, async (request, reply) => {
    if (deps.throttle.isBlocked(request.ip)) return fail(reply, 429, 'too many failed authentications from this address');
    const params = request.params as { deviceId: string; secret: string };
    const device = /^\d{1,15}$/.test(params.deviceId) ? await hub.byHook(Number(params.deviceId), params.secret) : undefined;
    if (!device) {
      deps.throttle.recordFailure(request.ip);
      return fail(reply, 401, 'unknown webhook');
    }
    const body = jsonBody(request);
    if (body === NOT_JSON) return fail(reply, 400, 'the body is not JSON');
    const outcome = await hub.received(device, body);
    if (typeof outcome === 'object') return fail(reply, 400, outcome.problem);
    return reply.code(204).send();
  });
}
