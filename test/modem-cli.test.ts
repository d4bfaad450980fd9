// `switchboard agent --driver modem`: its options are checked before anything opens, and every agent
// option is documented in docs/agent.md.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agentCommand, agentOptions } from '../src/cli/commands/agent.js';

const base = { server: 'http://127.0.0.1:8080', license: 'key' };

describe('switchboard agent --driver modem', () => {
  it('carries SMS by default, reports no Wi-Fi, and takes the port, speed and PIN', () => {
    const options = agentOptions({ ...base, driver: 'modem', 'modem-port': '/dev/ttyUSB2', 'modem-baud': '9600', 'modem-pin': '1234' });
    expect(options.applications).toEqual([3]);
    expect(options.status).toEqual({ wifi: 0 });
    expect(typeof options.driver).toBe('function');
    expect(agentOptions({ ...base, driver: 'modem', 'modem-port': '/dev/ttyUSB2', applications: '3,4' }).applications).toEqual([3, 4]);
  });

  it('refuses what a modem cannot do and options of the other driver', () => {
    const modem = { ...base, driver: 'modem', 'modem-port': '/dev/ttyUSB2' };
    expect(() => agentOptions({ ...base, driver: 'modem' })).toThrow(/--modem-port/);
    expect(() => agentOptions({ ...modem, applications: '1,3' })).toThrow(/SMS \(3\) and calls \(4\) only/);
    expect(() => agentOptions({ ...modem, 'modem-pin': '12a4' })).toThrow(/--modem-pin is 4-8 digits/);
    expect(() => agentOptions({ ...modem, 'modem-baud': '12' })).toThrow(/--modem-baud/);
    expect(() => agentOptions({ ...modem, 'call-outcome': 'busy' })).toThrow(/--call-outcome does not apply to --driver modem/);
    expect(() => agentOptions({ ...base, 'modem-port': '/dev/ttyUSB2' })).toThrow(/--modem-port does not apply to --driver simulate/);
    expect(() => agentOptions({ ...base, driver: 'android' })).toThrow(/--driver must be one of simulate, modem/);
  });

  it('documents every agent option in docs/agent.md', () => {
    const doc = readFileSync(new URL('../docs/agent.md', import.meta.url), 'utf8');
    const missing = Object.keys(agentCommand.options ?? {}).filter((name) => !doc.includes(`\`--${name}\``));
    expect(missing).toEqual([]);
  });
});
