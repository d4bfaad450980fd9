// Turns the failures an operator causes at start-up (a port in use, PostgreSQL down) into one line that
// says what to change, instead of a stack trace.
import type { Config } from '../config/index.js';
import { DatabaseUnreachableError } from '../storage/database-location.js';

const LISTEN_FIXES: Record<string, (where: string) => string> = {
  EADDRINUSE: (where) => `${where} is already in use by another program: stop it, or choose another port with --port or PORT`,
  EACCES: (where) => `not allowed to listen on ${where}: choose a port above 1023 with --port or PORT`,
  EADDRNOTAVAIL: (where) => `cannot listen on ${where}: the address is not one of this machine's; fix --host or HOST`,
};

/** One line for a known start-up failure, or undefined for anything else (a bug, printed in full). */
export function startupFailureLine(error: unknown, config: Config | undefined): string | undefined {
  if (error instanceof DatabaseUnreachableError) return `${error.message}; start PostgreSQL or fix DATABASE_URL`;
  const { code, syscall } = (error ?? {}) as { code?: unknown; syscall?: unknown };
  const fix = typeof code === 'string' ? LISTEN_FIXES[code] : undefined;
  if (syscall !== 'listen' || !fix || !config) return undefined;
  return fix(`port ${config.port} on ${config.host}`);
}
