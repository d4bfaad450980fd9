// `push` (the Push API) and `delivery-report`.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { PickyError, Status, deliveryReport, type PushService, type Storage } from '../core/index.js';
import { IdField, RAW_INPUT, registerPickyEndpoint, type EndpointDeps } from './picky-endpoint.js';
import type { PushRateLimit } from './push-rate-limit.js';

export interface PushRouteDeps extends EndpointDeps {
  pushes: PushService;
  storage: Storage;
  pushRateLimit: PushRateLimit;
}

/** The key of a retried push: the Idempotency-Key header, or an `idempotency_key` field. */
function idempotencyKey(header: string | string[] | undefined, field: unknown): string | undefined {
  const fromHeader = Array.isArray(header) ? header[0] : header;
  if (fromHeader !== undefined) return fromHeader;
  if (typeof field === 'string' || typeof field === 'number') return String(field);
  return undefined;
}

export function registerPushRoutes(app: FastifyInstance, deps: PushRouteDeps): void {
  registerPickyEndpoint(app, deps, {
    name: 'push',
    auth: 'project',
    schema: RAW_INPUT,
    async handle(input, caller, context) {
      deps.pushRateLimit.take(caller.project.id);
      return deps.pushes.submit(caller, input, idempotencyKey(context.headers['idempotency-key'], input.idempotency_key));
    },
  });

  registerPickyEndpoint(app, deps, {
    name: 'delivery-report',
    auth: 'project',
    console: 'also',
    schema: Type.Object({ token: Type.String(), push_id: IdField }),
    async handle(input, caller) {
      const push = await deps.storage.stores.pushes.findById(input.push_id);
      if (!push || push.projectId !== caller.project.id) throw new PickyError(Status.invalidPushId, `push ${input.push_id} is not a push of this project`);
      // Conferences are pushes too (one id series), reported by conference-report.
      if (push.application === 4) throw new PickyError(Status.invalidPushId, `push ${input.push_id} is a conference: see conference-report`);
      return deliveryReport(caller.project, push, await deps.storage.stores.messages.listByPush(push.id));
    },
  });
}
