// The one file that creates pino loggers. Logs are JSON lines on stderr: stdout is kept for what the
// program prints on purpose (first-start credentials, CLI output, the agent's event lines).
import pino, { type Logger } from 'pino';

export type { Logger };

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'switchboard' } }, pino.destination({ fd: 2, sync: false }));
}
