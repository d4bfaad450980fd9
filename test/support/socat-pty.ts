// A pair of connected pseudo-terminals made by socat: the modem driver opens one end as its serial
// port, the simulated modem the other. Killing socat is a modem unplugged; starting it again, plugged back.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { waitUntil } from './agents.js';

export const HAS_SOCAT = spawnSync('sh', ['-c', 'command -v socat'], { stdio: 'ignore' }).status === 0;
export const NO_SOCAT_MESSAGE = 'socat is not installed: the modem tests need it for their pseudo-terminals (apt-get install socat; .ci/run installs it)';

export interface PtyPair {
  /** The end the driver opens, as its production serial port. */
  modemPath: string;
  /** The end the simulated modem opens. */
  simPath: string;
  /** Kills socat: both ends go away, as when the modem is unplugged. */
  stop(): Promise<void>;
}

export async function startPtyPair(dir: string): Promise<PtyPair> {
  const modemPath = join(dir, 'modem');
  const simPath = join(dir, 'sim');
  const child: ChildProcess = spawn('socat', ['-d', '-d', `pty,raw,echo=0,link=${modemPath}`, `pty,raw,echo=0,link=${simPath}`], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()));
  child.on('error', (error) => (log += `\nspawn error: ${error.message}`));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await waitUntil(() => log.includes('starting data transfer loop') && existsSync(modemPath) && existsSync(simPath), 5_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`socat did not start: ${log}`, { cause: error });
  }
  return {
    modemPath,
    simPath,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
