// `switchboard webhook log|replay|test|secret`: a project's webhook deliveries, a manual replay, a test
// call to the configured webhook, and the signing secret (shown, or rotated).
import { testWebhook } from '../../core/index.js';
import { deliveryView } from '../../http/webhook-delivery-view.js';
import { integerArgument, stringOption, type Command } from '../command.js';
import { withGateway } from '../with-gateway.js';

const PROJECT = { project: { type: 'string' } } as const;
const PROJECT_HELP = { project: 'project id (required)' };

export const webhookLogCommand: Command = {
  words: ['webhook', 'log'],
  summary: "List a project's webhook deliveries, newest first",
  options: { ...PROJECT, limit: { type: 'string' } },
  optionHelp: { ...PROJECT_HELP, limit: 'how many (default 20, at most 500)' },
  async run(context) {
    const projectId = integerArgument(stringOption(context.values, 'project'), '--project');
    const limit = Math.min(integerArgument(stringOption(context.values, 'limit') ?? '20', '--limit'), 500);
    return withGateway(context, async (gateway, accountId) => {
      const project = await gateway.services.projects.get(accountId, projectId);
      const rows = await gateway.services.webhooks.log(project.id, Math.max(limit, 1));
      const lines = rows.map((d) => `${String(d.id).padStart(6)}  ${d.kind.padEnd(7)}  ${d.state.padEnd(9)}  attempts ${d.attempts}  ${d.responseCode ?? '-'}  ${d.lastError || ''}  ${d.url}`.trimEnd());
      return { json: rows.map(deliveryView), text: lines.length > 0 ? lines.join('\n') : 'no webhook deliveries' };
    });
  },
};

export const webhookReplayCommand: Command = {
  words: ['webhook', 'replay'],
  summary: 'Send a webhook delivery again (the running gateway sends it at its next look)',
  options: { ...PROJECT, delivery: { type: 'string' } },
  optionHelp: { ...PROJECT_HELP, delivery: 'delivery id, from `webhook log` (required)' },
  async run(context) {
    const projectId = integerArgument(stringOption(context.values, 'project'), '--project');
    const deliveryId = integerArgument(stringOption(context.values, 'delivery'), '--delivery');
    return withGateway(context, async (gateway, accountId) => {
      const project = await gateway.services.projects.get(accountId, projectId);
      const delivery = await gateway.services.webhooks.replay(project.id, deliveryId);
      return { json: deliveryView(delivery), text: `delivery ${delivery.id} is due again` };
    });
  },
};

export const webhookTestCommand: Command = {
  words: ['webhook', 'test'],
  summary: "Post a sample inbound message to the project's webhook and show the answer",
  options: PROJECT,
  optionHelp: PROJECT_HELP,
  async run(context) {
    const projectId = integerArgument(stringOption(context.values, 'project'), '--project');
    return withGateway(context, async (gateway, accountId) => {
      const project = await gateway.services.projects.get(accountId, projectId);
      const result = await testWebhook(gateway.services.webhookCaller, project, Date.now());
      const answer = result.isDelivered ? `HTTP ${result.responseCode} in ${result.latencyMs} ms` : `not delivered: ${result.error}`;
      const reply = result.reply ? `instant reply: ${JSON.stringify(result.reply.text)}${result.reply.mediaUrl ? ` + ${result.reply.mediaUrl}` : ''}, delay ${result.reply.delaySeconds} s, application ${result.reply.application}` : 'no instant reply';
      return { json: result, text: `${result.url}\n${answer}\n${reply}${result.responseBody ? `\n${result.responseBody}` : ''}` };
    });
  },
};

export const webhookSecretCommand: Command = {
  words: ['webhook', 'secret'],
  summary: "Show a project's webhook signing secret, or replace it with --rotate",
  options: { ...PROJECT, rotate: { type: 'boolean' } },
  optionHelp: { ...PROJECT_HELP, rotate: 'replace the secret; calls from then on are signed with the new one' },
  async run(context) {
    const projectId = integerArgument(stringOption(context.values, 'project'), '--project');
    return withGateway(context, async (gateway, accountId) => {
      const { projects } = gateway.services;
      const project = context.values.rotate === true ? await projects.rotateWebhookSecret(accountId, projectId) : await projects.get(accountId, projectId);
      return { json: { project_id: String(project.id), webhook_secret: project.webhookSecret }, text: project.webhookSecret };
    });
  },
};
