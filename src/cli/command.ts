// What a CLI command is: its words, its options, and what it prints (text for people, JSON with --json).
import type { ParseArgsConfig } from 'node:util';
import type { Config } from '../config/index.js';

export type OptionSpecs = NonNullable<ParseArgsConfig['options']>;
export type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CommandContext {
  config: Config;
  values: OptionValues;
  positionals: string[];
  isJson: boolean;
  /** Writes program output (stdout). */
  print(text: string): void;
  /** Writes notices that must not mix with --json output (stderr). */
  notice(text: string): void;
  /** Writes a line for the operator on stderr in every output mode (which database a command opened). */
  diagnostic(text: string): void;
  /** The config file that was read (--config, SWITCHBOARD_CONFIG or ./switchboard.json), if any. */
  configFile: string | undefined;
}

export interface CommandResult {
  text: string;
  json: unknown;
}

export interface Command {
  words: string[];
  summary: string;
  /** Positional arguments as shown in usage: `<amount>`. */
  argsUsage?: string;
  options?: OptionSpecs;
  optionHelp?: Record<string, string>;
  /** Long-running commands (serve) print nothing at the end and return undefined. */
  run(context: CommandContext): Promise<CommandResult | undefined>;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An expected failure (a refusal, an unreachable server): printed as one line, exit code 1. */
export class CommandFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CommandFailedError';
  }
}

export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function listOption(values: OptionValues, name: string): string[] {
  const value = values[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
}

export function integerArgument(text: string | undefined, what: string): number {
  if (text === undefined || !/^\d+$/.test(text)) throw new UsageError(`${what} must be a positive whole number`);
  return Number(text);
}
