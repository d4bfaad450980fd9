// `switchboard serve`: runs the gateway until SIGINT or SIGTERM.
import { createGateway, ensureAccount, firstStartBlock } from '../../app/index.js';
import type { Command } from '../command.js';

export const serveCommand: Command = {
  words: ['serve'],
  summary: 'Run the gateway (the default command)',
  async run(context) {
    const gateway = await createGateway({ config: context.config });
    const report = await ensureAccount(gateway);
    const url = await gateway.listen();
    if (report.isNew) context.print(firstStartBlock(report, url));
    gateway.startBackgroundWork();
    gateway.logger.info({ url, database: gateway.storage.capabilities.dialect }, 'switchboard listening');
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        gateway.logger.info({ signal }, 'shutting down');
        resolve();
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    await gateway.close();
    return undefined;
  },
};
