// Compiles the program into a private folder so that tests can run `switchboard` as a real process,
// without touching (or depending on the freshness of) the checkout's dist/.
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const ROOT = new URL('../..', import.meta.url).pathname;

export interface BuiltCli {
  /** Path of the built bin/switchboard.js. */
  bin: string;
  remove(): void;
}

export async function buildCli(): Promise<BuiltCli> {
  mkdirSync(join(ROOT, 'node_modules/.cache'), { recursive: true });
  const dir = mkdtempSync(join(ROOT, 'node_modules/.cache/switchboard-test-'));
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  // tsc exits non-zero on type errors yet still emits; the existence check below is what matters.
  await promisify(execFile)(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', join(dir, 'dist')]).catch(() => undefined);
  if (!existsSync(join(dir, 'dist/cli/main.js'))) throw new Error('the test build produced no dist/cli/main.js');
  mkdirSync(join(dir, 'bin'));
  copyFileSync(join(ROOT, 'bin/switchboard.js'), join(dir, 'bin/switchboard.js'));
  return { bin: join(dir, 'bin/switchboard.js'), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
