// Configuration: sources in order, every problem reported at once, the result frozen.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, findConfigFile, loadConfig, publicUrl } from '../src/config/index.js';

function configFile(contents: unknown): string {
  const file = join(mkdtempSync(join(tmpdir(), 'sb-config-')), 'config.json');
  writeFileSync(file, typeof contents === 'string' ? contents : JSON.stringify(contents));
  return file;
}

describe('loadConfig', () => {
  it('has documented defaults', () => {
    const config = loadConfig();
    expect(config.port).toBe(8080);
    expect(config.host).toBe('0.0.0.0');
    expect(config.dataDir).toBe('./data');
    expect(config.databaseUrl).toBe('');
    expect(config.allowPrivateUrls).toBe(false);
    expect(config.initialCredits).toBe(100_000_000);
    expect(config.messagePrices[1]).toBe(5000);
    expect(config.planFees[6]).toBe(350_000_000);
  });

  it('layers defaults < file < environment < flags', () => {
    const file = configFile({ PORT: 9001, HOST: '127.0.0.1', LOG_LEVEL: 'warn', SWITCHBOARD_DATA_DIR: '/srv/file' });
    const config = loadConfig({ file, env: { PORT: '9002', LOG_LEVEL: 'debug' }, flags: { 'log-level': 'error' } });
    expect(config.port).toBe(9002);
    expect(config.host).toBe('127.0.0.1');
    expect(config.logLevel).toBe('error');
    expect(config.dataDir).toBe('/srv/file');
  });

  it('reads the file named by --config or SWITCHBOARD_CONFIG', () => {
    const file = configFile({ PORT: 7000 });
    expect(loadConfig({ flags: { config: file } }).port).toBe(7000);
    expect(loadConfig({ env: { SWITCHBOARD_CONFIG: file } }).port).toBe(7000);
  });

  it('parses booleans, credit amounts and price lists', () => {
    const config = loadConfig({
      env: { SWITCHBOARD_ALLOW_PRIVATE_URLS: 'yes', SWITCHBOARD_INITIAL_CREDITS: '2.5', SWITCHBOARD_MESSAGE_PRICES: '1=0.004, 3=0.02', SWITCHBOARD_PLAN_FEES: '2=7' },
    });
    expect(config.allowPrivateUrls).toBe(true);
    expect(config.initialCredits).toBe(2_500_000);
    expect(config.messagePrices).toEqual({ 1: 4000, 3: 20000 });
    expect(config.planFees).toEqual({ 2: 7_000_000 });
    expect(loadConfig({ file: configFile({ SWITCHBOARD_INITIAL_CREDITS: 3 }) }).initialCredits).toBe(3_000_000);
  });

  it('reports every problem together', () => {
    let caught: unknown;
    try {
      loadConfig({
        env: { PORT: 'eighty', SWITCHBOARD_ALLOW_PRIVATE_URLS: 'maybe', LOG_LEVEL: 'loud', SWITCHBOARD_MESSAGE_PRICES: '7=1', SWITCHBOARD_MASTER_TOKEN: 'short' },
        file: configFile({ NOT_A_KEY: 1 }),
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join('\n');
    expect((caught as ConfigError).problems).toHaveLength(6);
    expect(problems).toContain("PORT: 'eighty' is not a number");
    expect(problems).toContain("SWITCHBOARD_ALLOW_PRIVATE_URLS: 'maybe' is not a boolean");
    expect(problems).toContain('LOG_LEVEL');
    expect(problems).toContain("'7' is not a known application");
    expect(problems).toContain('SWITCHBOARD_MASTER_TOKEN');
    expect(problems).not.toContain('short');
    expect(problems).toContain('unknown key NOT_A_KEY');
  });

  it('refuses a DATABASE_URL it cannot use, saying which forms it accepts, without echoing the value', () => {
    for (const url of ['mysql://root:hunter2@db/app', 'garbage', 'postgres://', 'SQLITE:file.db']) {
      let caught: unknown;
      try {
        loadConfig({ env: { DATABASE_URL: url, PORT: 'x' } });
      } catch (error) {
        caught = error;
      }
      expect(caught, url).toBeInstanceOf(ConfigError);
      const problems = (caught as ConfigError).problems;
      // Listed with the other problems.
      expect(problems, url).toHaveLength(2);
      const problem = problems.find((line) => line.startsWith('DATABASE_URL: '));
      expect(problem, url).toMatch(/postgres:\/\/user:password@host:5432\/database.*sqlite:<file>.*empty for SQLite in SWITCHBOARD_DATA_DIR/);
      expect(problem).not.toContain('hunter2');
    }
    expect(() => loadConfig({ file: configFile({ DATABASE_URL: 'mysql://x' }) })).toThrow(/config file DATABASE_URL: a mysql: URL is not supported/);
    for (const url of ['', 'postgres://postgres@127.0.0.1:5432/test', 'postgresql://u:p@db.example/app?sslmode=require', 'sqlite:/tmp/x.db', 'sqlite::memory:']) {
      expect(loadConfig({ env: { DATABASE_URL: url } }).databaseUrl).toBe(url);
    }
  });

  it('lists the allowed values of an enumeration and states the master token length rule', () => {
    expect(() => loadConfig({ env: { LOG_LEVEL: 'loud' } })).toThrow('LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "loud")');
    expect(() => loadConfig({ env: { SWITCHBOARD_MASTER_TOKEN: 'short' } })).toThrow('SWITCHBOARD_MASTER_TOKEN: must be 20 to 256 characters long (got 5), or empty to have one generated');
    expect(loadConfig({ env: { SWITCHBOARD_MASTER_TOKEN: 'x'.repeat(20) } }).masterToken).toBe('x'.repeat(20));
  });

  it('finds ./switchboard.json in the working directory unless another file is named', () => {
    const file = configFile({ PORT: 7001 });
    const dir = file.slice(0, -'config.json'.length);
    expect(findConfigFile({ cwd: dir })).toBeUndefined();
    const shared = join(dir, 'switchboard.json');
    writeFileSync(shared, JSON.stringify({ PORT: 7002 }));
    expect(findConfigFile({ cwd: dir })).toBe(shared);
    expect(findConfigFile({ cwd: dir, env: { SWITCHBOARD_CONFIG: file } })).toBe(file);
    expect(findConfigFile({ cwd: dir, flags: { config: file } })).toBe(file);
    expect(loadConfig({ file: findConfigFile({ cwd: dir }) }).port).toBe(7002);
  });

  it('reads a JSON boolean through a key\'s own parser, as it reads text', () => {
    expect(() => loadConfig({ file: configFile({ SWITCHBOARD_TRUST_PROXY: true }) })).toThrow(/config file SWITCHBOARD_TRUST_PROXY: 'true' is no longer accepted .*number of proxy hops/);
    expect(loadConfig({ file: configFile({ SWITCHBOARD_TRUST_PROXY: false }) }).trustProxy).toBe(0);
  });

  it('reports a config file that is not JSON', () => {
    expect(() => loadConfig({ file: configFile('{nope') })).toThrow(/config file .*JSON/);
  });

  it('checks ranges', () => {
    expect(() => loadConfig({ env: { PORT: '70000' } })).toThrow(ConfigError);
    expect(() => loadConfig({ env: { SWITCHBOARD_BODY_LIMIT: '10' } })).toThrow(ConfigError);
  });

  it('freezes the result, nested values included', () => {
    const config = loadConfig();
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.messagePrices)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });

  it('derives the public URL from the port unless one is configured', () => {
    expect(publicUrl(loadConfig({ env: { PORT: '9000' } }))).toBe('http://localhost:9000');
    expect(publicUrl(loadConfig({ env: { SWITCHBOARD_PUBLIC_URL: 'https://sb.example/' } }))).toBe('https://sb.example');
  });
});
