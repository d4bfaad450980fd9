// `switchboard serve`: runs the gateway until SIGINT or SIGTERM.
import type { AddressInfo } from 'node:net';

import type { Command } from '../command.js';

/** A stop that takes longer than this is cut short (the gateway's own close takes well under 2 s). */
const SHUTDOWN_LIMIT_MS = 5_000;

export const serveCommand: Command = {
  words: ['serve'],
  summary: 'Run the gateway (the default command)',
  async run(context) {
    // Loaded when run, as in withGateway: the CLI reads every command's options first.
    const { createGateway, ensureAccount, firstStartBlock } = await import('../../app/index.js');
    const gateway = await createGateway({ config: context.config });
    const report = await ensureAccount(gateway);
    let url: string;
    try {
      url = await gateway.listen();
    } catch (error) {
      // The account was just made and its tokens exist only in this process: show them even so.
      if (report.isNew) context.print(firstStartBlock(report, gateway.publicUrl()));
      await gateway.close().catch(() => undefined);
      throw error;
    }
    if (report.isNew) context.print(firstStartBlock(report, url));
    gateway.startBackgroundWork();
    const { port } = gateway.http.server.address() as AddressInfo;
    gateway.logger.info({ url, address: `${context.config.host}:${port}`, database: gateway.storage.capabilities.dialect, nodeId: gateway.services.nodeId, configFile: context.configFile ?? null }, 'switchboard listening');
    await new Promise<void>((resolve) => {
      const stop = (signal: string) => {
        gateway.logger.info({ signal }, 'shutting down');
        resolve();
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
    // The close is bounded by itself (well under 2 s); a second signal, or a close that somehow overruns
    // its limit, ends the process at once (what was accepted is in the database or will be resent).
    const cutShort = (reason: string) => {
      gateway.logger.warn({ reason }, 'shutdown cut short');
      process.exit(1);
    };
    process.once('SIGINT', () => cutShort('second signal'));
    process.once('SIGTERM', () => cutShort('second signal'));
    const limit = setTimeout(() => cutShort(`not stopped within ${SHUTDOWN_LIMIT_MS} ms`), SHUTDOWN_LIMIT_MS).unref();
    await gateway.close();
    clearTimeout(limit);
    // Nothing a library may have left open (a timer, a socket) keeps a stopped gateway running.
    setTimeout(() => process.exit(), 500).unref();
    return undefined;
  },
};
