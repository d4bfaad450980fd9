// `switchboard project create|list|delete`.
import { formatCredits, formatProjectDate, type Project } from '../../core/index.js';
import { integerArgument, listOption, stringOption, type Command } from '../command.js';
import { withGateway } from '../with-gateway.js';

function projectJson(project: Project): Record<string, unknown> {
  return {
    project_id: String(project.id),
    project_name: project.name,
    project_status: project.status,
    service: project.service,
    billing_plan: project.billingPlan,
    license_key: project.licenseKey,
    time_zone: project.timeZone,
    next_billing_date: project.nextBillingAt === null ? '' : formatProjectDate(project.nextBillingAt, project.timeZone, project.dateFormat),
  };
}

export const projectCreateCommand: Command = {
  words: ['project', 'create'],
  summary: 'Create a project (with one API token unless --no-token)',
  options: {
    name: { type: 'string' },
    plan: { type: 'string' },
    service: { type: 'string' },
    country: { type: 'string' },
    'time-zone': { type: 'string' },
    'date-format': { type: 'string' },
    notes: { type: 'string' },
    'global-webhook': { type: 'string' },
    'event-webhook': { type: 'string' },
    ip: { type: 'string', multiple: true },
    'no-token': { type: 'boolean' },
  },
  optionHelp: {
    name: 'project name, up to 20 characters (required)',
    plan: 'billing plan 1-9 (default 1, pay as you go)',
    service: '1 phone automation (default) or 2 WhatsApp Official',
    country: 'ISO 3166 alpha-2 code',
    'time-zone': 'IANA time zone (default UTC)',
    'date-format': 'YYYY-MM-DD, DD-MM-YYYY (default) or MM-DD-YYYY',
    notes: 'up to 250 characters',
    'global-webhook': 'URL for inbound messages',
    'event-webhook': 'URL for delivery reports',
    ip: 'address or CIDR the token is limited to (repeatable; one token per address)',
    'no-token': 'create no API token',
  },
  async run(context) {
    const { values } = context;
    return withGateway(context, async (gateway, accountId) => {
      const plan = stringOption(values, 'plan');
      const service = stringOption(values, 'service');
      const created = await gateway.services.projects.create(accountId, {
        projectName: stringOption(values, 'name') ?? '',
        billingPlan: plan === undefined ? undefined : integerArgument(plan, '--plan'),
        service: service === undefined ? undefined : integerArgument(service, '--service'),
        country: stringOption(values, 'country'),
        timeZone: stringOption(values, 'time-zone'),
        dateFormat: stringOption(values, 'date-format'),
        notes: stringOption(values, 'notes'),
        globalWebhook: stringOption(values, 'global-webhook'),
        eventWebhook: stringOption(values, 'event-webhook'),
        tokenIpAddresses: listOption(values, 'ip'),
        generateApiToken: values['no-token'] !== true,
      });
      const tokens = created.tokens.map(({ ip, token, record }) => ({ token_id: String(record.id), ip, token }));
      const lines = [
        `project ${created.project.id} "${created.project.name}" created (plan ${created.project.billingPlan}, ${formatCredits(created.amountDebited)} credits debited)`,
        `license key: ${created.project.licenseKey}`,
        ...tokens.map((token) => `api token ${token.token_id}: ${token.token}${token.ip ? ` (from ${token.ip})` : ''}`),
      ];
      return { json: { ...projectJson(created.project), api_tokens: tokens, amount_debited: formatCredits(created.amountDebited) }, text: lines.join('\n') };
    });
  },
};

export const projectListCommand: Command = {
  words: ['project', 'list'],
  summary: 'List projects',
  async run(context) {
    return withGateway(context, async (gateway, accountId) => {
      const projects = await gateway.services.projects.list(accountId);
      const lines = projects.map((p) => `${String(p.id).padStart(5)}  ${p.name.padEnd(20)}  ${p.status.padEnd(7)}  plan ${p.billingPlan}  service ${p.service}`);
      return { json: projects.map(projectJson), text: lines.length > 0 ? lines.join('\n') : 'no projects' };
    });
  },
};

export const projectDeleteCommand: Command = {
  words: ['project', 'delete'],
  summary: 'Mark a project deleted (its tokens stop working)',
  argsUsage: '<project-id>',
  async run(context) {
    const projectId = integerArgument(context.positionals[0], 'project id');
    return withGateway(context, async (gateway, accountId) => {
      const project = await gateway.services.projects.delete(accountId, projectId);
      return { json: projectJson(project), text: `project ${project.id} deleted` };
    });
  },
};
