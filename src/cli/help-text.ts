// The --help pages: the program's, a command group's, and a command's.
import { CONFIG_KEYS, flagName } from '../config/index.js';
import type { Command } from './command.js';

const GLOBAL_OPTIONS = [
  ['--json', 'print results as JSON'],
  ['--config <file>', 'JSON config file (keys are the environment names)'],
  ['-h, --help', 'show help'],
];

function table(rows: string[][]): string {
  const width = Math.max(...rows.map((row) => row[0]!.length));
  return rows.map(([left, right]) => `  ${left!.padEnd(width)}  ${right}`).join('\n');
}

export function programHelp(commands: readonly Command[]): string {
  return [
    'Usage: switchboard [command] [options]',
    '',
    'Self-hosted messaging gateway with a Picky Assist API v2 compatible HTTP API.',
    '',
    'Commands:',
    table(commands.map((command) => [`${command.words.join(' ')}${command.argsUsage ? ` ${command.argsUsage}` : ''}`, command.summary])),
    '',
    'Options:',
    table(GLOBAL_OPTIONS),
    '',
    'Every configuration key can also be given as a flag (see docs/configuration.md):',
    table(Object.values(CONFIG_KEYS).map((key) => [`--${flagName(key.env)} <value>`, `${key.env}`])),
    '',
    "Run 'switchboard <command> --help' for a command's options.",
  ].join('\n');
}

export function groupHelp(group: string, commands: readonly Command[]): string {
  const members = commands.filter((command) => command.words[0] === group);
  return [`Usage: switchboard ${group} <${members.map((c) => c.words[1]).join('|')}> [options]`, '', table(members.map((c) => [c.words.join(' '), c.summary]))].join('\n');
}

export function commandHelp(command: Command): string {
  const rows = Object.entries(command.options ?? {}).map(([name, spec]) => [
    `--${name}${spec.type === 'string' ? ' <value>' : ''}`,
    command.optionHelp?.[name] ?? '',
  ]);
  return [
    `Usage: switchboard ${command.words.join(' ')}${command.argsUsage ? ` ${command.argsUsage}` : ''} [options]`,
    '',
    command.summary,
    '',
    'Options:',
    table([...rows, ...GLOBAL_OPTIONS]),
  ].join('\n');
}
