// `template-request` and `template-status` (WhatsApp Official templates) with the project token, as the
// Picky contract has them; the work is done against Meta by the template service.
import type { FastifyInstance } from 'fastify';
import { Status, invalidRequest, type Project } from '../core/index.js';
import { TemplateRequest, TemplateStatusRequest } from './doc-schemas.js';
import { RAW_INPUT, registerPickyEndpoint, type EndpointDeps } from './picky-endpoint.js';

export interface TemplateApi {
  request(project: Project, raw: Record<string, unknown>, application: number | undefined): Promise<Record<string, unknown>>;
  status(project: Project, templateId: string | undefined): Promise<Record<string, unknown>>;
}

export interface TemplateRouteDeps extends EndpointDeps {
  templates: TemplateApi;
}

/** `application` as a number (Picky clients send numbers or numeric strings); absent → undefined. */
function applicationOf(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d{1,15}\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number)) throw invalidRequest('application must be a whole number');
  return number;
}

function templateIdOf(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') throw invalidRequest('template_id must be a string');
  const text = String(value).trim();
  if (text.length > 128 || !/^[\w-]*$/.test(text)) throw invalidRequest('template_id holds characters no template id has');
  return text || undefined;
}

export function registerTemplateRoutes(app: FastifyInstance, deps: TemplateRouteDeps): void {
  registerPickyEndpoint(app, deps, {
    name: 'template-request',
    auth: 'project',
    schema: RAW_INPUT,
    doc: {
      tag: 'Templates',
      summary: 'Submit a WhatsApp message template to Meta for review',
      codes: [Status.officialNotActive],
      request: TemplateRequest,
      example: { request: { token: 'PROJECT_TOKEN', application: 8, name: 'order_update', message_type: 1, messages: [{ message: 'Your order {{1}} shipped', language: 'en' }] }, response: { template_id: 'XY6479', template_status: 1, status: 100, message: 'Success' } },
    },
    async handle(input, { project }) {
      return deps.templates.request(project, input, applicationOf(input.application));
    },
  });

  registerPickyEndpoint(app, deps, {
    name: 'template-status',
    auth: 'project',
    schema: RAW_INPUT,
    doc: {
      tag: 'Templates',
      summary: 'A template (or every template) with its review status: 1 pending, 2 WhatsApp review, 3 approved, 4 rejected',
      codes: [Status.invalidTemplateId, Status.noTemplates],
      request: TemplateStatusRequest,
    },
    async handle(input, { project }) {
      return deps.templates.status(project, templateIdOf(input.template_id));
    },
  });
}
