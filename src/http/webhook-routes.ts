// Webhook management (`pm/*`, master token): the delivery log, manual replay, a test call to the
// configured webhook, and rotation of the signing secret.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Status, testWebhook, type Clock, type ProjectService, type WebhookCaller, type WebhookService } from '../core/index.js';
import { IdField, registerPickyEndpoint, type EndpointDeps } from './picky-endpoint.js';
import { success } from './picky-response.js';
import { webhookView } from './project-view.js';
import { deliveryView } from './webhook-delivery-view.js';

export interface WebhookRouteDeps extends EndpointDeps {
  projects: ProjectService;
  webhooks: WebhookService;
  webhookCaller: WebhookCaller;
  clock: Clock;
  /** The webhook dispatcher looks at once (a replayed delivery goes now, not at the next poll). */
  onWebhookWork(): void;
}

const MAX_LOG_ROWS = 500;

export function registerWebhookRoutes(app: FastifyInstance, deps: WebhookRouteDeps): void {
  const { projects, webhooks } = deps;

  registerPickyEndpoint(app, deps, {
    name: 'pm/webhook-log',
    auth: 'master',
    schema: Type.Object({ token: Type.String(), project_id: IdField, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LOG_ROWS })), before_id: Type.Optional(IdField) }),
    doc: { tag: 'Webhooks', summary: "A project's webhook deliveries, newest first, with attempts and errors", codes: [] },
    async handle(input, account) {
      const project = await projects.get(account.id, input.project_id);
      const rows = await webhooks.log(project.id, input.limit ?? 50, input.before_id);
      return success({ project_id: String(project.id), data: rows.map(deliveryView) });
    },
  });

  registerPickyEndpoint(app, deps, {
    name: 'pm/webhook-replay',
    auth: 'master',
    schema: Type.Object({ token: Type.String(), project_id: IdField, delivery_id: IdField }),
    doc: { tag: 'Webhooks', summary: 'Send a delivery again now (same event id)', codes: [] },
    async handle(input, account) {
      const project = await projects.get(account.id, input.project_id);
      const delivery = await webhooks.replay(project.id, input.delivery_id);
      deps.onWebhookWork();
      return success({ project_id: String(project.id), ...deliveryView(delivery) });
    },
  });

  registerPickyEndpoint(app, deps, {
    name: 'pm/test-webhook',
    auth: 'master',
    schema: Type.Object({ token: Type.String(), project_id: IdField }),
    doc: { tag: 'Webhooks', summary: "Call the project's global webhook with a sample message and show the answer", codes: [] },
    async handle(input, account) {
      const project = await projects.get(account.id, input.project_id);
      const result = await testWebhook(deps.webhookCaller, project, deps.clock.now());
      return success({
        project_id: String(project.id),
        url: result.url,
        delivered: result.isDelivered,
        response_code: result.responseCode,
        latency_ms: result.latencyMs,
        response_body: result.responseBody,
        error: result.error,
        reply: result.reply === null ? null : { 'message-out': result.reply.text, 'media-url': result.reply.mediaUrl, delay: result.reply.delaySeconds, application: result.reply.application },
      });
    },
  });

  registerPickyEndpoint(app, deps, {
    name: 'pm/rotate-webhook-secret',
    auth: 'master',
    schema: Type.Object({ token: Type.String(), project_id: IdField }),
    doc: { tag: 'Webhooks', summary: "Replace the project's webhook signing secret", codes: [Status.projectNotActive] },
    async handle(input, account) {
      const project = await projects.rotateWebhookSecret(account.id, input.project_id);
      return success({ project_id: String(project.id), ...webhookView(project) });
    },
  });
}
