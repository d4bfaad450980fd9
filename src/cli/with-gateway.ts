// Runs a one-shot CLI command against the configured database, with the same services the server uses.
import type { Gateway } from '../app/index.js';
import { describeDatabase } from '../storage/database-location.js';
import type { CommandContext } from './command.js';

/**
 * Says which database a command opens and where its settings came from: a CLI run without the
 * gateway's DATABASE_URL would otherwise read another database without a word.
 */
export function announceDatabase(context: CommandContext): void {
  const source = context.configFile ? `settings from ${context.configFile}` : 'no config file';
  context.diagnostic(`database: ${describeDatabase(context.config)} (${source})`);
}

export async function withGateway<T>(context: CommandContext, work: (gateway: Gateway, accountId: number) => Promise<T>): Promise<T> {
  announceDatabase(context);
  // Loaded here, not at the top: every command's module is loaded to read its options, and `switchboard
  // agent` (on a small machine beside a modem, say) should not load the gateway it never runs.
  const { createGateway, createLogger, ensureAccount, firstStartBlock } = await import('../app/index.js');
  const logger = createLogger(context.config.logLevel === 'info' ? 'warn' : context.config.logLevel);
  const gateway = await createGateway({ config: context.config, logger });
  try {
    const report = await ensureAccount(gateway);
    // A command run before the first `serve` creates the account; its secrets must still be shown once.
    if (report.isNew) context.notice(firstStartBlock(report, gateway.publicUrl()));
    const account = await gateway.services.accounts.get();
    return await work(gateway, account!.id);
  } finally {
    await gateway.close();
  }
}
