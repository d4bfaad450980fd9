// The console's own API (docs/console.md): sign in and out, and the reads only the console needs —
// message search and timelines, the wallet ledger, token changes by id.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MESSAGE_STATES, PickyError, Status, TOKEN_ACTIONS, formatCredits, invalidRequest, type ApiTokenService, type OutboundMessage, type ProjectService, type Storage, type WalletService } from '../core/index.js';
import type { AuthThrottle } from './auth-throttle.js';
import { CSRF_HEADER, type ConsoleSessions } from './console-session.js';
import { IdField, SmallIntegerField, registerPickyEndpoint, sendAnswer, type EndpointDeps } from './picky-endpoint.js';
import { readPickyInput } from './picky-input.js';
import { failure, success } from './picky-response.js';
import { storedTokenView } from './project-view.js';

export interface ConsoleRouteDeps extends EndpointDeps {
  projects: ProjectService;
  tokens: ApiTokenService;
  wallet: WalletService;
  storage: Storage;
  throttle: AuthThrottle;
}

const iso = (at: number) => new Date(at).toISOString();
const MAX_ROWS = 200;

/** A day (`2026-12-06`) or an instant; undefined when absent, 410 when unreadable. */
function timeField(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const at = Date.parse(value);
  if (Number.isNaN(at)) throw invalidRequest(`${name}: expected a date (2026-12-06) or an ISO time`);
  return at;
}

export function messageView(message: OutboundMessage): Record<string, unknown> {
  return {
    message_id: String(message.id),
    push_id: String(message.pushId),
    number: message.recipient,
    application: message.application,
    kind: message.kind,
    text: message.text.length > 200 ? `${message.text.slice(0, 200)}…` : message.text,
    state: message.state,
    attempts: message.attempts,
    last_error: message.lastError,
    created_at: iso(message.createdAt),
  };
}

const isHttps = (request: FastifyRequest) => request.protocol === 'https';

function registerSessionRoutes(app: FastifyInstance, deps: ConsoleRouteDeps, sessions: ConsoleSessions): void {
  const fail = (reply: FastifyReply, error: unknown) => {
    if (error instanceof PickyError) return sendAnswer(reply, failure(error));
    throw error;
  };
  app.post('/console/api/sign-in', async (request, reply) => {
    try {
      if (deps.throttle.isBlocked(request.ip)) throw new PickyError(Status.tooManyRequests, 'too many authentication failures from this address; retry in a minute');
      const input = await readPickyInput(request.headers['content-type'], request.body as Buffer | undefined, {});
      let account;
      try {
        account = await deps.authenticator.master(input.token);
      } catch (error) {
        if (error instanceof PickyError && error.code === Status.authenticationFailed) deps.throttle.recordFailure(request.ip);
        throw error;
      }
      const { cookie, session } = await sessions.open(account, isHttps(request));
      return reply.header('set-cookie', cookie).header('cache-control', 'no-store').send(success({ csrf_token: session.csrfToken, expires_at: iso(session.expiresAt) }));
    } catch (error) {
      return fail(reply, error);
    }
  });
  app.post('/console/api/sign-out', async (request, reply) => {
    try {
      const session = await sessions.verify(request.headers.cookie, { header: request.headers[CSRF_HEADER] });
      return reply.header('set-cookie', await sessions.close(session, isHttps(request))).send(success());
    } catch (error) {
      return fail(reply, error);
    }
  });
  // A reloaded page learns its CSRF token here; SameSite=Strict keeps other sites' pages from asking.
  app.get('/console/api/session', async (request, reply) => {
    try {
      const session = await sessions.verify(request.headers.cookie);
      return reply.header('cache-control', 'no-store').send(success({ csrf_token: session.csrfToken, expires_at: iso(session.expiresAt) }));
    } catch (error) {
      return fail(reply, error);
    }
  });
}

export function registerConsoleRoutes(app: FastifyInstance, deps: ConsoleRouteDeps): void {
  if (!deps.console) return;
  registerSessionRoutes(app, deps, deps.console.sessions);
  const { projects, storage } = deps;

  registerPickyEndpoint(app, deps, {
    name: 'console/messages',
    auth: 'master',
    console: 'only',
    schema: Type.Object({
      token: Type.String(),
      project_id: IdField,
      push_id: Type.Optional(IdField),
      number: Type.Optional(Type.String({ maxLength: 32 })),
      state: Type.Optional(Type.String()),
      from: Type.Optional(Type.String({ maxLength: 40 })),
      until: Type.Optional(Type.String({ maxLength: 40 })),
      before_id: Type.Optional(IdField),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ROWS })),
    }),
    async handle(input, account) {
      const project = await projects.get(account.id, input.project_id);
      const state = input.state === '' ? undefined : input.state;
      if (state !== undefined && !(MESSAGE_STATES as readonly string[]).includes(state)) throw invalidRequest(`state must be one of ${MESSAGE_STATES.join(', ')}`);
      const rows = await storage.stores.messages.search({
        projectId: project.id,
        pushId: input.push_id,
        recipient: input.number === '' ? undefined : input.number?.replace(/^\+/, ''),
        state: state as (typeof MESSAGE_STATES)[number] | undefined,
        from: timeField(input.from, 'from'),
        until: timeField(input.until, 'until'),
        beforeId: input.before_id,
        limit: input.limit ?? 50,
      });
      return success({ project_id: String(project.id), data: rows.map(messageView) });
    },
  });

  registerPickyEndpoint(app, deps, {
    name: 'console/message-timeline',
    auth: 'master',
    console: 'only',
    schema: Type.Object({ token: Type.String(), project_id: IdField, message_id: IdField }),
    async handle(input, account) {
      const project = await projects.get(account.id, input.project_id);
      const message = await storage.stores.messages.findById(input.message_id);
      if (!message || message.projectId !== project.id) throw new PickyError(Status.invalidPushId, `message ${input.message_id} is not a message of this project`);
      const events = await storage.stores.messages.timeline(message.id);
      return success({ ...messageView(message), timeline: events.map((event) => ({ state: event.state, at: iso(event.at), error: event.error })) });
    },
  });

  registerPickyEndpoint(app, deps, {
    name: 'console/wallet-ledger',
    auth: 'master',
    console: 'only',
    schema: Type.Object({ token: Type.String(), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_ROWS })) }),
    async handle(input, account) {
      const entries = await deps.wallet.entries(account.id, input.limit ?? 50);
      return success({
        balance: formatCredits(await deps.wallet.balance(account.id)),
        data: entries.map((entry) => ({
          entry_id: String(entry.id),
          kind: entry.kind,
          amount: formatCredits(entry.amount),
          balance_after: formatCredits(entry.balanceAfter),
          reason: entry.reason,
          reference: entry.reference,
          project_id: entry.projectId === null ? '' : String(entry.projectId),
          created_at: iso(entry.createdAt),
        })),
      });
    },
  });

  // pm/manage-api-token needs the token itself, which the console never sees again after creation.
  registerPickyEndpoint(app, deps, {
    name: 'console/manage-api-token',
    auth: 'master',
    console: 'only',
    schema: Type.Object({ token: Type.String(), project_id: IdField, token_id: IdField, action: SmallIntegerField }),
    async handle(input, account) {
      const status = TOKEN_ACTIONS[input.action];
      if (!status) throw invalidRequest('action must be 1 (disable), 2 (enable) or 3 (delete)');
      const project = await projects.get(account.id, input.project_id);
      const token = await deps.tokens.findById(input.token_id);
      if (token.projectId !== project.id) throw invalidRequest(`token ${input.token_id} is not a token of project ${project.id}`);
      await deps.tokens.setStatus(token, status);
      return success({ project_id: String(project.id), ...storedTokenView({ ...token, status }) });
    },
  });
}
