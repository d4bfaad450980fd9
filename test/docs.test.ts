// Docs that list codes and keys are held to the code: a key or code added on one side only fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, flagName } from '../src/config/index.js';
import { STATUS_MESSAGES } from '../src/core/index.js';

function tableRows(file: string): string[][] {
  return readFileSync(new URL(`../docs/${file}`, import.meta.url), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('|---'))
    .map((line) => line.split('|').slice(1, -1).map((cell) => cell.trim()));
}

describe('docs/status-codes.md', () => {
  it('lists exactly the registry codes with their exact messages', () => {
    const rows = tableRows('status-codes.md').filter((row) => /^\d+$/.test(row[0]!));
    const documented = Object.fromEntries(rows.map(([code, message]) => [code, message]));
    expect(documented).toEqual(Object.fromEntries(Object.entries(STATUS_MESSAGES).map(([code, message]) => [code, message])));
  });
});

describe('docs/configuration.md', () => {
  it('documents every key with its flag, and nothing else', () => {
    const rows = tableRows('configuration.md').filter((row) => row[0]!.startsWith('`'));
    const documented = rows.map(([env, flag]) => [env!.replaceAll('`', ''), flag!.replaceAll('`', '')]);
    const actual = Object.values(CONFIG_KEYS).map((key) => [key.env, `--${flagName(key.env)}`]);
    expect(documented).toEqual(actual);
  });

  it('states the defaults of the simple keys as the schema has them', () => {
    const rows = tableRows('configuration.md').filter((row) => row[0]!.startsWith('`'));
    for (const key of Object.values(CONFIG_KEYS)) {
      if (typeof key.default === 'object' || key.parse) continue;
      const row = rows.find(([env]) => env === `\`${key.env}\``)!;
      expect(row[3], key.env).toBe(key.default === '' ? '(empty)' : `\`${String(key.default)}\``);
    }
  });
});
