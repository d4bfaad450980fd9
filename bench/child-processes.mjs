// The benchmarks' child processes (gateways, servers, load generators): the first line each prints when
// ready, and a stop that escalates to SIGKILL when SIGTERM is not enough.
import { once } from 'node:events';
import { createInterface } from 'node:readline';

/** The JSON line a child prints when ready; fails if it exits first. */
export async function firstLine(child) {
  const lines = createInterface({ input: child.stdout });
  const [line] = await Promise.race([once(lines, 'line'), once(child, 'exit').then(() => { throw new Error('a child process exited before it was ready'); })]);
  lines.close();
  return JSON.parse(line);
}

export async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}
