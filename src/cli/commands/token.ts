// `switchboard token create|list|disable|enable|delete`.
import { checkAllowList, hashToken, type ApiToken, type ApiTokenStatus } from '../../core/index.js';
import type { Gateway } from '../../app/index.js';
import { integerArgument, listOption, stringOption, UsageError, type Command } from '../command.js';
import { withGateway } from '../with-gateway.js';

function tokenJson(token: ApiToken): Record<string, unknown> {
  return { token_id: String(token.id), project_id: String(token.projectId), token: token.hint, ip_allow_list: token.ipAllowList, status: token.status };
}

/** A token is named by its numeric id (from `token list`) or by its secret. */
async function findToken(gateway: Gateway, reference: string | undefined): Promise<ApiToken> {
  if (!reference) throw new UsageError('name the token by its id or its secret');
  if (/^\d{1,15}$/.test(reference)) return gateway.services.tokens.findById(Number(reference));
  const found = await gateway.storage.stores.apiTokens.findByHash(hashToken(reference));
  if (!found || found.status === 'deleted') throw new UsageError('no such token');
  return found;
}

export const tokenCreateCommand: Command = {
  words: ['token', 'create'],
  summary: 'Create an API token for a project (shown once)',
  options: { project: { type: 'string' }, ip: { type: 'string', multiple: true } },
  optionHelp: { project: 'project id (required)', ip: 'address or CIDR range the token may be used from (repeatable; default: any)' },
  async run(context) {
    const projectId = integerArgument(stringOption(context.values, 'project'), '--project');
    const allowList = checkAllowList(listOption(context.values, 'ip'), '--ip');
    return withGateway(context, async (gateway, accountId) => {
      const project = await gateway.services.projects.getChangeable(accountId, projectId);
      const issued = await gateway.services.tokens.issue(project.id, allowList);
      return {
        json: { ...tokenJson(issued.record), token: issued.token },
        text: `api token ${issued.record.id} for project ${project.id}: ${issued.token}${allowList.length ? ` (from ${allowList.join(', ')})` : ''}`,
      };
    });
  },
};

export const tokenListCommand: Command = {
  words: ['token', 'list'],
  summary: "List a project's tokens (secrets are never shown again)",
  options: { project: { type: 'string' } },
  optionHelp: { project: 'project id (required)' },
  async run(context) {
    const projectId = integerArgument(stringOption(context.values, 'project'), '--project');
    return withGateway(context, async (gateway, accountId) => {
      const project = await gateway.services.projects.get(accountId, projectId);
      const tokens = await gateway.services.tokens.list(project.id);
      const lines = tokens.map((t) => `${String(t.id).padStart(5)}  ${t.hint}  ${t.status.padEnd(8)}  ${t.ipAllowList.join(', ') || 'any address'}`);
      return { json: tokens.map(tokenJson), text: lines.length > 0 ? lines.join('\n') : 'no tokens' };
    });
  },
};

function statusCommand(word: string, status: ApiTokenStatus, summary: string): Command {
  return {
    words: ['token', word],
    summary,
    argsUsage: '<token-id | token>',
    async run(context) {
      return withGateway(context, async (gateway) => {
        const token = await findToken(gateway, context.positionals[0]);
        await gateway.services.tokens.setStatus(token, status);
        return { json: { ...tokenJson(token), status }, text: `token ${token.id} ${status}` };
      });
    },
  };
}

export const tokenDisableCommand = statusCommand('disable', 'disabled', 'Disable a token (answers 401 until enabled)');
export const tokenEnableCommand = statusCommand('enable', 'active', 'Enable a disabled token');
export const tokenDeleteCommand = statusCommand('delete', 'deleted', 'Delete a token for good');
