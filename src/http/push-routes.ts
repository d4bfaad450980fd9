// `push` (the Push API) and `delivery-report`.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { PickyError, Status, deliveryReport, type PushService, type Storage } from '../core/index.js';
import { IdField, RAW_INPUT, registerPickyEndpoint, type EndpointDeps } from './picky-endpoint.js';
import type { PushRateLimit } from './push-rate-limit.js';
import { DeliveryReportAnswer, PushAnswer, PushRequest } from './doc-schemas.js';

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
    doc: {
      tag: 'Push',
      summary: 'Send messages: one text, media, location, contact or template to one or many recipients',
      description: 'Answers `100` once the push, its messages and the wallet debit are committed (queued, not delivered). Modes: single, dynamic (a `message` per entry) and bulk (`globalmessage`). An `Idempotency-Key` header (or `idempotency_key` field) makes a retried push answer the first answer without queueing or charging again. HTTP 429 when the per-project push rate limit drops it.',
      codes: [Status.emptyNumberList, Status.insufficientBalance, Status.noChannel, Status.notInPlan, Status.invalidNumber, Status.emptyMessage, Status.invalidTemplateId, Status.outsideWindow],
      request: PushRequest,
      response: PushAnswer,
      example: {
        request: { token: 'PROJECT_TOKEN', application: '1', 'priority ': '0', globalmessage: 'Hello', data: [{ number: '934343442290' }] },
        response: { status: 100, push_id: '7478630', message: 'Success', data: [{ msg_id: '9844217', number: '934343442290', credit: '0.005' }] },
      },
    },
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
    doc: {
      tag: 'Reports',
      summary: "A push's delivery report: one row per message",
      codes: [Status.invalidPushId],
      response: DeliveryReportAnswer,
      example: {
        request: { token: 'PROJECT_TOKEN', push_id: 590915 },
        response: { status: 100, message: 'Success', project_id: '3526', push_id: 590915, application: '1', message_type: '3', time: '06-08-2019 06:46 AM', data: [{ number: '3491934317', msg_id: '1745955', status: '1', error_code: '' }] },
      },
    },
    async handle(input, caller) {
      const push = await deps.storage.stores.pushes.findById(input.push_id);
      if (!push || push.projectId !== caller.project.id) throw new PickyError(Status.invalidPushId, `push ${input.push_id} is not a push of this project`);
      // Conferences are pushes too (one id series), reported by conference-report.
      if (push.application === 4) throw new PickyError(Status.invalidPushId, `push ${input.push_id} is a conference: see conference-report`);
      return deliveryReport(caller.project, push, await deps.storage.stores.messages.listByPush(push.id));
    },
  });
}
