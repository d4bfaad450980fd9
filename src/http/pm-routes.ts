// The project-management API (`pm/*`, master token) and `check-balance` (project token).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { Status, TOKEN_ACTIONS, checkAllowList, creditsAsNumber, formatCredits, invalidRequest, type ApiTokenService, type Project, type ProjectService, type WalletService } from '../core/index.js';
import { IdField, SmallIntegerField, registerPickyEndpoint, type EndpointDeps } from './picky-endpoint.js';
import { success } from './picky-response.js';
import { BalanceAnswer } from './doc-schemas.js';
import { nextBillingIsoTime, projectView, webhookView } from './project-view.js';

export interface PmRouteDeps extends EndpointDeps {
  projects: ProjectService;
  tokens: ApiTokenService;
  wallet: WalletService;
  publicUrl: () => string;
}

const Token = Type.String();
const ProjectId = IdField;
const Text = Type.String();
const Webhooks = {
  global_webhook: Type.Optional(Text),
  event_webhook: Type.Optional(Text),
  smart_reply_webhook: Type.Optional(Text),
  webhook_format: Type.Optional(Type.Union([SmallIntegerField, Text])),
  webhook_retry_schedule: Type.Optional(Text),
};

const CreateProject = Type.Object({
  token: Token,
  project_name: Text,
  number: Type.Optional(Text),
  company_name: Type.Optional(Text),
  country: Type.Optional(Text),
  time_zone: Type.Optional(Text),
  date_format: Type.Optional(Type.Union([SmallIntegerField, Text])),
  service: Type.Optional(SmallIntegerField),
  billing_plan: Type.Optional(SmallIntegerField),
  generate_api_token: Type.Optional(Type.Boolean()),
  token_ip_address: Type.Optional(Type.Array(Text)),
  notes: Type.Optional(Text),
  ...Webhooks,
});

export function registerPmRoutes(app: FastifyInstance, deps: PmRouteDeps): void {
  const { projects, tokens, wallet } = deps;

  registerPickyEndpoint(app, deps, {
    name: 'pm/create-project',
    auth: 'master',
    schema: CreateProject,
    doc: {
      tag: 'Projects',
      summary: 'Create a project (and its API token); the plan fee is debited from the wallet',
      codes: [Status.insufficientBalance],
      example: { request: { token: 'MASTER_TOKEN', project_name: 'Shop', country: 'IN', time_zone: 'Asia/Kolkata', billing_plan: 1, generate_api_token: true }, response: { status: 100, message: 'Success', project_id: '27', project_status: 'Active' } },
    },
    async handle(input, account) {
      const created = await projects.create(account.id, {
        projectName: input.project_name,
        number: input.number,
        companyName: input.company_name,
        country: input.country,
        timeZone: input.time_zone,
        dateFormat: input.date_format,
        service: input.service,
        billingPlan: input.billing_plan,
        generateApiToken: input.generate_api_token,
        tokenIpAddresses: input.token_ip_address,
        globalWebhook: input.global_webhook,
        eventWebhook: input.event_webhook,
        smartReplyWebhook: input.smart_reply_webhook,
        webhookFormat: input.webhook_format,
        webhookRetrySchedule: input.webhook_retry_schedule,
        notes: input.notes,
      });
      return success(await projectView(created.project, { publicUrl: deps.publicUrl(), issuedTokens: created.tokens, amountDebited: created.amountDebited }));
    },
  });

  registerPickyEndpoint(app, deps, {
    name: 'pm/get-projects',
    auth: 'master',
    schema: Type.Object({ token: Token, project_id: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })) }),
    doc: { tag: 'Projects', summary: "The account's projects, or one (project_id; 0 = all)", codes: [], example: { request: { token: 'MASTER_TOKEN', project_id: 0 }, response: { status: 100, message: 'Success', data: [] } } },
    async handle(input, account) {
      const view = async (project: Project) =>
        projectView(project, { publicUrl: deps.publicUrl(), storedTokens: await tokens.list(project.id), amountDebited: projects.planFee(project) });
      if (input.project_id) {
        // The vendor's page shows one project's fields at the top level; `data` keeps the list shape
        // (one entry) that earlier Switchboard clients read.
        const one = await view(await projects.get(account.id, input.project_id));
        return success({ ...one, data: [one] });
      }
      const data = [];
      for (const project of await projects.list(account.id)) data.push(await view(project));
      return success({ data });
    },
  });

  registerPickyEndpoint(app, deps, {
    name: 'pm/create-api-token',
    auth: 'master',
    schema: Type.Object({ token: Token, project_id: ProjectId, ip_whitelist: Type.Optional(Type.Array(Text)) }),
    doc: { tag: 'Projects', summary: 'Issue API tokens for a project, one per allowed address', codes: [Status.projectNotActive], example: { request: { token: 'MASTER_TOKEN', project_id: 27, ip_whitelist: ['203.0.113.7'] }, response: { status: 100, message: 'Success', project_id: 27, api_token: [{ ip: '203.0.113.7', token: '…', token_id: '5' }] } } },
    async handle(input, account) {
      const project = await projects.getChangeable(account.id, input.project_id);
      const addresses = checkAllowList(input.ip_whitelist ?? [], 'ip_whitelist');
      const issued = await tokens.issuePerAddress(project.id, addresses);
      // A number here, as in the vendor's sample (the other pm answers carry it as a string).
      return success({ project_id: project.id, api_token: issued.map(({ ip, token, record }) => ({ ip, token, token_id: String(record.id) })) });
    },
  });

  registerPickyEndpoint(app, deps, {
    name: 'pm/manage-api-token',
    auth: 'master',
    schema: Type.Object({ token: Token, project_id: ProjectId, api_token: Text, action: SmallIntegerField }),
    doc: { tag: 'Projects', summary: 'Disable (1), enable (2) or delete (3) an API token', codes: [], example: { request: { token: 'MASTER_TOKEN', project_id: 27, api_token: '…', action: 1 }, response: { status: 100, message: 'Success', project_id: '27', action: 1, token_status: 'disabled' } } },
    async handle(input, account) {
      const status = TOKEN_ACTIONS[input.action];
      if (!status) throw invalidRequest('action must be 1 (disable), 2 (enable) or 3 (delete)');
      const project = await projects.get(account.id, input.project_id);
      const token = await tokens.findInProject(project.id, input.api_token);
      await tokens.setStatus(token, status);
      return success({ project_id: String(project.id), action: input.action, token_status: status });
    },
  });

  registerPickyEndpoint(app, deps, {
    name: 'pm/change-billing',
    auth: 'master',
    schema: Type.Object({ token: Token, project_id: ProjectId, service: SmallIntegerField, plan_id: SmallIntegerField }),
    doc: { tag: 'Projects', summary: "Change a project's service and billing plan (the new plan's fee is debited)", codes: [Status.insufficientBalance, Status.projectNotActive], example: { request: { token: 'MASTER_TOKEN', project_id: 27, service: 1, plan_id: 2 }, response: { status: 100, message: 'Success', project_id: '27', old_billing_plan: '1', new_billing_plan: 2, amount_debited: '5', next_billing_date: '2026-02-01T00:00:00+05:30' } } },
    async handle(input, account) {
      const change = await projects.changeBilling(account.id, input.project_id, input.service, input.plan_id);
      return success({
        project_id: String(change.project.id),
        old_billing_plan: String(change.oldPlan),
        new_billing_plan: change.project.billingPlan,
        amount_debited: formatCredits(change.amountDebited),
        next_billing_date: nextBillingIsoTime(change.project),
      });
    },
  });

  registerPickyEndpoint(app, deps, {
    name: 'pm/set-webhook',
    auth: 'master',
    schema: Type.Object({ token: Token, project_id: ProjectId, ...Webhooks }),
    doc: { tag: 'Webhooks', summary: "Set a project's webhook URLs, format and retry schedule", codes: [Status.projectNotActive] },
    async handle(input, account) {
      const project = await projects.setWebhooks(account.id, input.project_id, {
        globalWebhook: input.global_webhook,
        eventWebhook: input.event_webhook,
        smartReplyWebhook: input.smart_reply_webhook,
        webhookFormat: input.webhook_format,
        webhookRetrySchedule: input.webhook_retry_schedule,
      });
      return success({ project_id: String(project.id), ...webhookView(project) });
    },
  });

  registerPickyEndpoint(app, deps, {
    name: 'pm/delete-project',
    auth: 'master',
    schema: Type.Object({ token: Token, project_id: ProjectId }),
    doc: { tag: 'Projects', summary: 'Delete a project: its queue is cancelled, its devices disconnected, its WhatsApp numbers logged out, its channel credentials erased', codes: [] },
    async handle(input, account) {
      const project = await projects.delete(account.id, input.project_id);
      return success({ project_id: String(project.id), project_status: project.status });
    },
  });

  registerPickyEndpoint(app, deps, {
    name: 'pm/fetch-balance',
    auth: 'master',
    schema: Type.Object({ token: Token }),
    doc: { tag: 'Projects', summary: "The account wallet's balance (master token)", codes: [], response: BalanceAnswer, example: { request: { token: 'MASTER_TOKEN' }, response: { status: 100, message: 'Success', balance: 59.108 } } },
    async handle(_input, account) {
      return success({ balance: creditsAsNumber(await wallet.balance(account.id)) });
    },
  });

  registerPickyEndpoint(app, deps, {
    name: 'check-balance',
    auth: 'project',
    schema: Type.Object({ token: Token }),
    doc: { tag: 'Projects', summary: "The account wallet's balance (project token)", codes: [], response: BalanceAnswer, example: { request: { token: 'PROJECT_TOKEN' }, response: { balance: 59.108, status: 100, message: 'Success' } } },
    async handle(_input, caller) {
      return success({ balance: creditsAsNumber(await wallet.balance(caller.account.id)) });
    },
  });
}
