// The environment CLI suites run `switchboard` in: a fresh data directory, and with PostgreSQL a schema of
// the suite's own; plus `run`, which calls the CLI in-process and collects what it prints.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { createTestSchema, POSTGRES_URL } from './test-storage.js';

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

export interface CliEnv {
  env: Record<string, string>;
  run(...args: string[]): Promise<CliRun>;
  /** Drops the suite's PostgreSQL schema. */
  close(): Promise<void>;
}

export async function openCliEnv(prefix: string, settings: Record<string, string>): Promise<CliEnv> {
  const env: Record<string, string> = { SWITCHBOARD_DATA_DIR: mkdtempSync(join(tmpdir(), prefix)), LOG_LEVEL: 'silent', ...settings };
  const schema = POSTGRES_URL ? await createTestSchema(POSTGRES_URL) : undefined;
  if (schema) env.DATABASE_URL = schema.databaseUrl;
  return {
    env,
    async run(...args) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(args, env, { stdout: (text) => out.push(text), stderr: (text) => err.push(text) });
      return { code, out: out.join('\n'), err: err.join('\n') };
    },
    close: async () => {
      await schema?.drop();
    },
  };
}
