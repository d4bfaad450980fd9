// `switchboard credit add|balance|history`: the account wallet.
import { formatCredits, parseCredits } from '../../core/index.js';
import { stringOption, UsageError, type Command } from '../command.js';
import { withGateway } from '../with-gateway.js';

export const creditAddCommand: Command = {
  words: ['credit', 'add'],
  summary: 'Top the wallet up',
  argsUsage: '<amount>',
  options: { reason: { type: 'string' } },
  optionHelp: { reason: 'ledger reason (default "top-up")' },
  async run(context) {
    const amount = parseCredits(context.positionals[0] ?? '');
    if (amount === undefined || amount === 0) throw new UsageError('amount must be a positive number of credits, up to 6 decimals (e.g. 25 or 0.5)');
    return withGateway(context, async (gateway, accountId) => {
      const balance = await gateway.services.wallet.credit({ accountId, amount, reason: stringOption(context.values, 'reason') ?? 'top-up', reference: 'cli' });
      return { json: { added: formatCredits(amount), balance: formatCredits(balance) }, text: `added ${formatCredits(amount)} credits; balance ${formatCredits(balance)}` };
    });
  },
};

export const creditBalanceCommand: Command = {
  words: ['credit', 'balance'],
  summary: 'Show the wallet balance',
  async run(context) {
    return withGateway(context, async (gateway, accountId) => {
      const balance = await gateway.services.wallet.balance(accountId);
      return { json: { balance: formatCredits(balance) }, text: `${formatCredits(balance)} credits` };
    });
  },
};

export const creditHistoryCommand: Command = {
  words: ['credit', 'history'],
  summary: 'Show the latest wallet ledger entries',
  options: { limit: { type: 'string' } },
  optionHelp: { limit: 'how many entries (default 20)' },
  async run(context) {
    const limit = Number(stringOption(context.values, 'limit') ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError('--limit must be 1-10000');
    return withGateway(context, async (gateway, accountId) => {
      const entries = await gateway.services.wallet.entries(accountId, limit);
      const json = entries.map((e) => ({ id: e.id, kind: e.kind, amount: formatCredits(e.amount), balance_after: formatCredits(e.balanceAfter), reason: e.reason, reference: e.reference, project_id: e.projectId, created_at: new Date(e.createdAt).toISOString() }));
      const lines = json.map((e) => `${e.created_at}  ${e.kind.padEnd(6)}  ${e.amount.padStart(12)}  → ${e.balance_after.padStart(12)}  ${e.reason} (${e.reference})`);
      return { json, text: lines.length > 0 ? lines.join('\n') : 'no entries' };
    });
  },
};
