// The one file that creates pino loggers. Logs are JSON lines on stderr: stdout is kept for what the
// program prints on purpose (first-start credentials, CLI output, the agent's event lines).
import pino, { type Logger } from 'pino';

export type { Logger };

/** `destination` receives each JSON line instead of stderr (tests record what an operator would read). */
export function createLogger(level: string, destination?: { write(line: string): void }): Logger {
  return pino({ level, base: { service: 'switchboard' } }, destination ?? pino.destination({ fd: 2, sync: false }));
}
