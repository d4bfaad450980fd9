// Parses `switchboard agent --call-outcome`: how the simulated phone plays each conference member's call,
// a default rule and optional per-number rules, e.g. `answer:2:30,15551234567=busy,15557654321=no-answer:20`.
import type { SimulatedCallOutcome } from '../../agent/index.js';
import { UsageError } from '../command.js';

const RULE_HELP = 'answer:<answer after s>:<talk s>, busy, no-answer or no-answer:<ring s>';
const MAX_SECONDS = 86_400;

function seconds(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value > MAX_SECONDS) throw new UsageError(`--call-outcome: "${text}" is not a whole number of seconds up to ${MAX_SECONDS}`);
  return value;
}

function parseRule(text: string): SimulatedCallOutcome {
  const [kind, ...numbers] = text.split(':');
  if (kind === 'busy' && numbers.length === 0) return { outcome: 'busy' };
  if (kind === 'no-answer' && numbers.length <= 1) return numbers.length === 0 ? { outcome: 'no_answer' } : { outcome: 'no_answer', ringS: seconds(numbers[0], 0) };
  if (kind === 'answer' && numbers.length <= 2) return { outcome: 'answer', answerAfterS: seconds(numbers[0], 1), talkS: seconds(numbers[1], 5) };
  throw new UsageError(`--call-outcome: "${text}" is not one of ${RULE_HELP}`);
}

/** The outcome chooser of the simulate driver; undefined when the option is absent (the driver's default). */
export function parseCallOutcome(text: string | undefined): ((number: string) => SimulatedCallOutcome) | undefined {
  if (text === undefined) return undefined;
  let fallback: SimulatedCallOutcome = { outcome: 'answer', answerAfterS: 1, talkS: 5 };
  const byNumber = new Map<string, SimulatedCallOutcome>();
  for (const part of text.split(',').map((each) => each.trim())) {
    const equals = part.indexOf('=');
    if (equals < 0) {
      fallback = parseRule(part);
      continue;
    }
    const number = part.slice(0, equals);
    if (!/^\d{5,15}$/.test(number)) throw new UsageError(`--call-outcome: "${number}" is not a number of 5-15 digits`);
    byNumber.set(number, parseRule(part.slice(equals + 1)));
  }
  return (number) => byNumber.get(number) ?? fallback;
}

export const CALL_OUTCOME_HELP = `simulate: how members' calls go, a rule and per-number <number>=<rule>, where a rule is ${RULE_HELP} (default answer:1:5)`;
