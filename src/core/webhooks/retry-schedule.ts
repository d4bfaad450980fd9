// Webhook retry schedules as people write them ("1m,15m,2h,6h") and as the outbox uses them (ms).

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
export const SCHEDULE_PATTERN = '^\\s*\\d+(ms|s|m|h|d)(\\s*,\\s*\\d+(ms|s|m|h|d))*\\s*$';
const MAX_STEPS = 20;

/** The documented default: 1 min, 15 min, 2 h, 6 h, then given up. */
export const DEFAULT_RETRY_SCHEDULE = '1m,15m,2h,6h';

/** Parses "1m,15m,2h"; undefined when the text is not a schedule. */
export function parseRetrySchedule(text: string): number[] | undefined {
  if (!new RegExp(SCHEDULE_PATTERN).test(text)) return undefined;
  const steps = text.split(',').map((part) => {
    const [, amount, unit] = /^(\d+)(ms|s|m|h|d)$/.exec(part.trim())!;
    return Number(amount) * UNIT_MS[unit!]!;
  });
  if (steps.length > MAX_STEPS || steps.some((step) => !Number.isSafeInteger(step) || step > 30 * UNIT_MS.d!)) return undefined;
  return steps;
}

/** When to try again after `attempts` failed attempts, or undefined when the schedule is used up. */
export function nextAttemptAt(schedule: readonly number[], attempts: number, now: number): number | undefined {
  const wait = schedule[attempts - 1];
  return wait === undefined ? undefined : now + wait;
}
