// Registers one Picky endpoint with the conventions every endpoint shares: POST under both path prefixes,
// input read from JSON / data= / form, authentication by the body's `token`, types checked (numbers may
// come as numeric strings), and every refusal answered with its documented status code.
import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PickyError, Status, invalidRequest, type Account, type Authenticator, type ProjectCaller } from '../core/index.js';
import type { AuthThrottle } from './auth-throttle.js';
import { consoleCaller, type ConsoleAccess } from './console-access.js';
import { readPickyInput, type PickyInput } from './picky-input.js';
import { failure, httpStatusFor, type PickyAnswer } from './picky-response.js';
import { recordEndpoint, type EndpointDoc } from './endpoint-doc.js';

export const PICKY_PREFIXES = ['/app/api/v2/', '/api/v2/'] as const;

/** A row id: positive, and within what both databases and JS numbers hold exactly. */
export const IdField = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });
/** A small number (application, plan, action…): bounded, so that no database ever sees an out-of-range value. */
export const SmallIntegerField = Type.Integer({ minimum: -2_147_483_648, maximum: 2_147_483_647 });

/** For endpoints that read their own input (push, on the hot path): passed through unconverted. */
export const RAW_INPUT = Type.Record(Type.String(), Type.Unknown());

export type AuthKind = 'master' | 'project';
type CallerOf<A extends AuthKind> = A extends 'master' ? Account : ProjectCaller;

export interface RequestContext {
  ip: string;
  requestId: string;
  headers: FastifyRequest['headers'];
}

interface EndpointBase<S extends TObject | typeof RAW_INPUT, A extends AuthKind> {
  /** Path after the prefix: `push`, `pm/create-project`. */
  name: string;
  auth: A;
  schema: S;
  handle(input: Static<S>, caller: CallerOf<A>, context: RequestContext): Promise<unknown>;
}

/**
 * An endpoint on the Picky paths needs its `doc` (what /openapi.json, /docs and the typed client say of
 * it): a new endpoint is documented here, next to its schema. Console-only endpoints have none.
 */
export type PickyEndpoint<S extends TObject | typeof RAW_INPUT, A extends AuthKind> = EndpointBase<S, A> &
  (
    | {
        doc: EndpointDoc;
        /**
         * Whether the console reaches it too, at `/console/api/<name>` with its session cookie instead of a
         * token. Master endpoints default to 'also', project ones to 'never'.
         */
        console?: 'also' | 'never';
      }
    | {
        /** Console-only: no Picky path, so no place in the public API description. */
        console: 'only';
        doc?: undefined;
      }
  );

export interface EndpointDeps {
  authenticator: Authenticator;
  throttle: AuthThrottle;
  /** The console's sessions; without them no `/console/api/` route is registered. */
  console?: ConsoleAccess;
}

/** `/data/2/number` → `data[2].number`: how a client would name the field. */
export function fieldName(path: string): string {
  return path
    .split('/')
    .filter(Boolean)
    .map((part, index) => (/^\d+$/.test(part) ? `[${part}]` : index === 0 ? part : `.${part}`))
    .join('');
}

/** Converts numeric strings (and the like) to the schema's types, then checks; 410 names the first bad field. */
/** Whether a schema (or the integer branch of a union) asks for a whole number. */
function wantsInteger(schema: TSchema): boolean {
  const { type, anyOf } = schema as TSchema & { type?: string; anyOf?: TSchema[] };
  return type === 'integer' && !anyOf;
}

/**
 * Value.Convert would truncate 1.5 to 1; a whole-number field given a fraction, or a string that is no
 * whole number, is refused instead.
 */
function refuseFractions(schema: TObject, input: PickyInput): void {
  for (const [name, property] of Object.entries(schema.properties)) {
    if (!wantsInteger(property)) continue;
    const value = input[name];
    const isWhole = value === undefined || (typeof value === 'number' && Number.isInteger(value)) || (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value));
    if (!isWhole) throw invalidRequest(`${name}: Expected integer`);
  }
}

export function checkInput<S extends TObject | typeof RAW_INPUT>(schema: S, input: PickyInput): Static<S> {
  if (schema === RAW_INPUT) return input as Static<S>;
  refuseFractions(schema as TObject, input);
  const converted = Value.Convert(schema, input);
  if (Value.Check(schema, converted)) return converted as Static<S>;
  const error = Value.Errors(schema, converted).First();
  const field = error ? fieldName(error.path) || 'body' : 'body';
  throw invalidRequest(`${field}: ${error?.message ?? 'invalid value'}`);
}

async function authenticate<A extends AuthKind>(deps: EndpointDeps, kind: A, input: PickyInput, ip: string): Promise<CallerOf<A>> {
  if (deps.throttle.isBlocked(ip)) throw new PickyError(Status.tooManyRequests, 'too many authentication failures from this address; retry in a minute');
  try {
    const caller = kind === 'master' ? await deps.authenticator.master(input.token) : await deps.authenticator.project(input.token, ip);
    return caller as CallerOf<A>;
  } catch (error) {
    if (error instanceof PickyError && error.code === Status.authenticationFailed) deps.throttle.recordFailure(ip);
    throw error;
  }
}

export function sendAnswer(reply: FastifyReply, answer: PickyAnswer): FastifyReply {
  return reply.code(httpStatusFor(answer.status)).send(answer);
}

export function registerPickyEndpoint<S extends TObject | typeof RAW_INPUT, A extends AuthKind>(app: FastifyInstance, deps: EndpointDeps, endpoint: PickyEndpoint<S, A>): void {
  const answer = async (request: FastifyRequest, reply: FastifyReply, identify: (raw: PickyInput) => Promise<CallerOf<A>>) => {
    try {
      const raw = await readPickyInput(request.headers['content-type'], request.body as Buffer | undefined, request.query as Record<string, unknown>);
      const caller = await identify(raw);
      const input = checkInput(endpoint.schema, raw);
      const result = await endpoint.handle(input, caller, { ip: request.ip, requestId: request.id, headers: request.headers });
      // A string is an answer already serialised (a stored idempotent response, or push's own).
      if (typeof result === 'string') return reply.type('application/json; charset=utf-8').send(result);
      return reply.send(result);
    } catch (error) {
      if (error instanceof PickyError) return sendAnswer(reply, failure(error));
      throw error;
    }
  };
  const reach = endpoint.console ?? (endpoint.auth === 'master' ? 'also' : 'never');
  if (reach !== 'only') {
    // The Picky paths know only the body's token: a console cookie never grants them anything.
    const handler = (request: FastifyRequest, reply: FastifyReply) => answer(request, reply, (raw) => authenticate(deps, endpoint.auth, raw, request.ip));
    for (const prefix of PICKY_PREFIXES) app.post(`${prefix}${endpoint.name}`, handler);
  }
  // Console-only endpoints are not part of the public API: neither in /openapi.json nor in the client.
  if (reach !== 'only') recordEndpoint(app, { name: endpoint.name, auth: endpoint.auth, schema: endpoint.schema === RAW_INPUT ? undefined : (endpoint.schema as TObject), doc: endpoint.doc! });
  const access = deps.console;
  if (reach !== 'never' && access) {
    app.post(`/console/api/${endpoint.name}`, (request, reply) => answer(request, reply, (raw) => consoleCaller(access, endpoint.auth, raw, request) as Promise<CallerOf<A>>));
  }
}
