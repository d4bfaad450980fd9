// Builds the one configuration: defaults < config file < environment < CLI flags, validated once
// (every problem reported together) and frozen.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import type { TSchema } from '@sinclair/typebox';
import { CONFIG_KEYS, flagName, type Config, type ConfigKey, type ConfigKeyName } from './config-schema.js';

export interface ConfigSources {
  env?: Readonly<Record<string, string | undefined>>;
  /** Parsed CLI flags by flag name (`data-dir`), as the CLI read them. */
  flags?: Readonly<Record<string, string | boolean | undefined>>;
  /** Path of a JSON file whose keys are the environment names (`{"PORT": 9000}`). */
  file?: string | undefined;
}

/** Read by every command (`serve` and the CLI alike) when no other file is named, from the working directory. */
export const DEFAULT_CONFIG_FILE = 'switchboard.json';

/**
 * The config file to read: the one `--config` or SWITCHBOARD_CONFIG names, else ./switchboard.json when it
 * exists. One file both the server and the CLI read means an operator sets DATABASE_URL once, and a CLI
 * command cannot silently open another database than the running gateway's.
 */
export function findConfigFile(sources: Pick<ConfigSources, 'env' | 'flags'> & { cwd: string }): string | undefined {
  const named = sources.flags?.config ?? sources.env?.SWITCHBOARD_CONFIG;
  if (typeof named === 'string' && named !== '') return named;
  const fallback = join(sources.cwd, DEFAULT_CONFIG_FILE);
  return existsSync(fallback) ? fallback : undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

function parseText(definition: ConfigKey, text: string): { value: unknown } | { problem: string } {
  if (definition.parse) return definition.parse(text);
  const kind = (definition.schema as TSchema & { type?: string }).type;
  if (kind === 'integer' || kind === 'number') {
    return /^-?\d+(\.\d+)?$/.test(text.trim()) ? { value: Number(text) } : { problem: `'${text}' is not a number` };
  }
  if (kind === 'boolean') {
    const lower = text.trim().toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(lower)) return { value: true };
    if (['0', 'false', 'no', 'off', ''].includes(lower)) return { value: false };
    return { problem: `'${text}' is not a boolean (true/false)` };
  }
  return { value: text };
}

function readFile(path: string, problems: string[]): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    problems.push(`config file ${path}: must hold a JSON object`);
  } catch (error) {
    problems.push(`config file ${path}: ${(error as Error).message}`);
  }
  return {};
}

/** The allowed values of an enumeration (a union of literals), so that its error can list them. */
function allowedValues(schema: TSchema): unknown[] | undefined {
  const members = (schema as TSchema & { anyOf?: { const?: unknown }[] }).anyOf;
  if (!members || members.some((member) => member.const === undefined)) return undefined;
  return members.map((member) => member.const);
}

function describeSchemaProblem(definition: ConfigKey, value: unknown): string | undefined {
  if (Value.Check(definition.schema, value)) return undefined;
  const allowed = allowedValues(definition.schema);
  if (allowed) return `must be one of ${allowed.join(', ')} (got ${definition.isSecret ? 'a hidden value' : JSON.stringify(value)})`;
  const first = Value.Errors(definition.schema, value).First();
  return `${first?.message ?? 'invalid value'} (got ${definition.isSecret ? 'a hidden value' : JSON.stringify(value)})`;
}

export function loadConfig(sources: ConfigSources = {}): Config {
  const problems: string[] = [];
  const env = sources.env ?? {};
  const flags = sources.flags ?? {};
  const filePath = (typeof flags.config === 'string' ? flags.config : undefined) ?? sources.file ?? env.SWITCHBOARD_CONFIG;
  const file = filePath ? readFile(filePath, problems) : {};
  const knownEnvNames = new Set(Object.values(CONFIG_KEYS).map((definition) => definition.env));
  for (const name of Object.keys(file)) {
    if (!knownEnvNames.has(name)) problems.push(`config file: unknown key ${name}`);
  }

  const result: Record<string, unknown> = {};
  for (const [name, definition] of Object.entries(CONFIG_KEYS) as [ConfigKeyName, ConfigKey][]) {
    const flag = flags[flagName(definition.env)];
    const candidates: [string, unknown][] = [
      [`--${flagName(definition.env)}`, flag],
      [definition.env, env[definition.env]],
      [`config file ${definition.env}`, file[definition.env]],
    ];
    const [source, raw] = candidates.find(([, value]) => value !== undefined) ?? ['default', definition.default];
    // A key with its own parser reads every source as text: a 2.5 credit amount in the config file means
    // 2.5 credits, not micros, and a JSON `true` for SWITCHBOARD_TRUST_PROXY gets the parser's own answer.
    let value: unknown = definition.parse && (typeof raw === 'number' || typeof raw === 'boolean') && source !== 'default' ? String(raw) : raw;
    if (source !== 'default' && (typeof value === 'string' || typeof value === 'boolean')) {
      const text = value;
      const parsed = typeof text === 'boolean' ? { value: text } : parseText(definition, text);
      if ('problem' in parsed) {
        problems.push(`${source}: ${parsed.problem}`);
        continue;
      }
      value = parsed.value;
    }
    const problem = describeSchemaProblem(definition, value);
    if (problem) problems.push(`${source}: ${problem}`);
    result[name] = value;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return deepFreeze(result) as Config;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** The URL phones and clients should use: the configured one, or localhost on the listening port. */
export function publicUrl(config: Config, listeningPort?: number): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/, '');
  return `http://localhost:${listeningPort ?? config.port}`;
}
