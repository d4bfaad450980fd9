// The `switchboard` program: finds the command, reads flags, loads the configuration and runs it.
// This is the only module that sees process.argv and the environment (they are passed in).
import { parseArgs } from 'node:util';
import { CONFIG_KEYS, ConfigError, findConfigFile, flagName, loadConfig, type Config } from '../config/index.js';
import { PickyError } from '../core/index.js';
import { CommandFailedError, UsageError, type Command, type OptionSpecs } from './command.js';
import { COMMANDS } from './commands/index.js';
import { commandHelp, groupHelp, programHelp } from './help-text.js';
import { startupFailureLine } from './startup-failure.js';
import { refusedOption, unknownOptionMessage } from './unknown-option.js';

const CONFIG_FLAGS: OptionSpecs = Object.fromEntries(Object.values(CONFIG_KEYS).map((key) => [flagName(key.env), { type: 'string' as const }]));
const GLOBAL_FLAGS: OptionSpecs = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, config: { type: 'string' } };

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: Io = {
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
};

/** Picks the command named by the leading words; `serve` when there are none. */
function findCommand(args: string[]): { command: Command | undefined; rest: string[]; group: string | undefined } {
  const words = args.slice(0, 2);
  for (const command of COMMANDS) {
    if (command.words.every((word, index) => words[index] === word)) return { command, rest: args.slice(command.words.length), group: undefined };
  }
  const first = args[0];
  if (first === undefined || first.startsWith('-')) return { command: COMMANDS[0], rest: args, group: undefined };
  const isGroup = COMMANDS.some((command) => command.words[0] === first);
  return { command: undefined, rest: args.slice(1), group: isGroup ? first : undefined };
}

/** `cwd` is where ./switchboard.json is looked for. */
export async function main(args: string[], env: Record<string, string | undefined>, io: Io = processIo, cwd: string = process.cwd()): Promise<number> {
  const { command, rest, group } = findCommand(args);
  if (!command) {
    if (group) {
      io.stdout(groupHelp(group, COMMANDS));
      return rest.includes('--help') || rest.includes('-h') ? 0 : 2;
    }
    io.stderr(`unknown command '${args[0]}'\n\n${programHelp(COMMANDS)}`);
    return 2;
  }
  const options = { ...GLOBAL_FLAGS, ...CONFIG_FLAGS, ...command.options };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: rest, options, allowPositionals: true, strict: true });
  } catch (error) {
    const option = refusedOption(error);
    io.stderr(`${option ? unknownOptionMessage(option, Object.keys(options)) : (error as Error).message}\n\n${commandHelp(command)}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(args.length === 0 || args[0]?.startsWith('-') ? programHelp(COMMANDS) : commandHelp(command));
    return 0;
  }
  const isJson = values.json === true;
  const flags = values as Record<string, string | boolean | undefined>;
  let config: Config | undefined;
  try {
    const configFile = findConfigFile({ env, flags, cwd });
    config = loadConfig({ env, flags, file: configFile });
    const result = await command.run({ config, values, positionals, isJson, print: io.stdout, notice: isJson ? io.stderr : io.stdout, diagnostic: io.stderr, configFile });
    if (result) io.stdout(isJson ? JSON.stringify(result.json, null, 2) : result.text);
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`${error.message}\n\n${commandHelp(command)}`);
      return 2;
    }
    if (error instanceof ConfigError) {
      io.stderr(error.message);
      return 2;
    }
    if (error instanceof CommandFailedError) {
      io.stderr(`switchboard ${command.words.join(' ')}: ${error.message}`);
      return 1;
    }
    if (error instanceof PickyError) {
      const answer = { status: error.code, message: error.message };
      io.stderr(isJson ? JSON.stringify(answer) : `error ${error.code}: ${error.message}`);
      return 1;
    }
    const line = startupFailureLine(error, config);
    if (line) {
      io.stderr(`switchboard ${command.words.join(' ')}: ${line}`);
      return 1;
    }
    io.stderr(`switchboard failed: ${(error as Error).stack ?? String(error)}`);
    return 1;
  }
}
