// `switchboard migrate`: applies pending database migrations and reports them.
import type { Command } from '../command.js';
import { announceDatabase } from '../with-gateway.js';

export const migrateCommand: Command = {
  words: ['migrate'],
  summary: 'Apply pending database migrations (serve also does this at start-up)',
  async run(context) {
    const { config } = context;
    announceDatabase(context);
    const { openStorage } = await import('../../storage/index.js');
    const storage = await openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize });
    try {
      const applied = await storage.migrate();
      const report = await storage.migrationReport();
      return {
        json: { dialect: storage.capabilities.dialect, applied, all: report.applied },
        text: applied.length > 0 ? `applied: ${applied.join(', ')}` : `up to date (${report.applied.length} migrations)`,
      };
    } finally {
      await storage.close();
    }
  },
};
