// `switchboard agent`: runs the reference bridge agent (a simulated phone or a GSM modem) against a gateway until
// SIGINT or SIGTERM. Events are JSON lines on stdout, stdin takes JSON lines, logs go to stderr.
import { hostname } from 'node:os';
import { AgentInputError, BridgeAgent, attachLineInput, bridgeUrl, eventLineWriter, type AgentLog, type BridgeAgentOptions } from '../../agent/index.js';
import { createLogger } from '../../app/logger.js';
import { parsePairingUri } from '../../qr/pairing-uri.js';
import { CALL_OUTCOME_HELP } from './call-outcome-option.js';
import { agentDriver, MODEM_OPTION_HELP } from './agent-driver-options.js';
import { CommandFailedError, UsageError, integerArgument, stringOption, type Command, type OptionValues } from '../command.js';

const DEVICE_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** A stable id for this machine, so that restarting the agent reconnects as the same device. */
function defaultDeviceId(): string {
  return `agent-${hostname()}`.replace(/[^A-Za-z0-9._:-]/g, '-').slice(0, 64);
}

function boundedInteger(values: OptionValues, name: string, fallback: number, max: number): number {
  const text = stringOption(values, name);
  if (text === undefined) return fallback;
  const value = integerArgument(text, `--${name}`);
  if (value > max) throw new UsageError(`--${name} must be at most ${max}`);
  return value;
}

function applications(values: OptionValues, isModem: boolean): number[] {
  const text = stringOption(values, 'applications');
  if (text === undefined) return isModem ? [3] : [1, 2, 3];
  const list = text.split(',').map((item) => integerArgument(item.trim(), '--applications'));
  if (list.some((app) => app < 1 || app > 4) || new Set(list).size !== list.length) {
    throw new UsageError('--applications is a comma-separated list of distinct applications 1-4 (1 WhatsApp, 2 WhatsApp Business, 3 SMS, 4 calls)');
  }
  return list;
}

function gatewayOf(values: OptionValues): { serverUrl: string; licenseKey: string } {
  const pair = stringOption(values, 'pair');
  const server = stringOption(values, 'server');
  const license = stringOption(values, 'license');
  if (pair !== undefined) {
    if (server !== undefined || license !== undefined) throw new UsageError('give --pair, or --server and --license, not both');
    const paired = parsePairingUri(pair.trim());
    if (!paired) throw new UsageError("--pair takes the QR code's text: switchboard://pair?server=…&license=…");
    return paired;
  }
  if (!server || !license) throw new UsageError('--server and --license are required (or --pair)');
  return { serverUrl: server, licenseKey: license };
}

/** Reads and checks every option; UsageError names the first bad one. */
export function agentOptions(values: OptionValues, log?: AgentLog): Omit<BridgeAgentOptions, 'onEvent' | 'log'> {
  const { serverUrl, licenseKey } = gatewayOf(values);
  try {
    bridgeUrl(serverUrl);
  } catch (error) {
    throw new UsageError(`--server: ${(error as Error).message}`);
  }
  const driver = agentDriver(values, log);
  const deviceId = stringOption(values, 'device-id') ?? defaultDeviceId();
  if (!DEVICE_ID.test(deviceId)) throw new UsageError('--device-id is 1-64 of A-Z a-z 0-9 . _ : -');
  const phoneName = stringOption(values, 'phone-name');
  if (phoneName !== undefined && (phoneName.length === 0 || phoneName.length > 64)) throw new UsageError('--phone-name is 1-64 characters');
  return {
    serverUrl,
    licenseKey,
    deviceId,
    delayMs: boundedInteger(values, 'delay-ms', 10_000, 600_000),
    applications: checkedApplications(applications(values, driver.isModem), driver.isModem),
    ...(phoneName === undefined ? {} : { phoneName }),
    driver: driver.factory,
    // A modem has no Wi-Fi; its battery (if any), signal and operator come from the modem itself.
    ...(driver.isModem && { status: { wifi: 0 } }),
  };
}

function checkedApplications(list: number[], isModem: boolean): number[] {
  if (isModem && list.some((app) => app !== 3 && app !== 4)) throw new UsageError('--driver modem carries SMS (3) and calls (4) only: --applications 3 or 3,4');
  return list;
}

/** Resolves with the signal's name at SIGINT or SIGTERM; `dispose` removes the listeners. */
function untilSignal(): { signal: Promise<string>; dispose(): void } {
  let onSignal: (signal: string) => void = () => {};
  const signal = new Promise<string>((resolve) => (onSignal = resolve));
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { signal, dispose: () => (process.off('SIGINT', onSignal), process.off('SIGTERM', onSignal)) };
}

export const agentCommand: Command = {
  words: ['agent'],
  summary: 'Run the reference bridge agent: a simulated phone, or a GSM modem, connected to a gateway',
  options: {
    server: { type: 'string' },
    license: { type: 'string' },
    pair: { type: 'string' },
    driver: { type: 'string' },
    'delay-ms': { type: 'string' },
    'device-id': { type: 'string' },
    applications: { type: 'string' },
    'deliver-after-ms': { type: 'string' },
    'phone-name': { type: 'string' },
    'call-outcome': { type: 'string' },
    'modem-port': { type: 'string' },
    'modem-baud': { type: 'string' },
    'modem-pin': { type: 'string' },
  },
  optionHelp: {
    server: 'gateway URL, http(s)://host:port (or its ws(s)://…/bridge/v1 URL)',
    license: "the project's license key",
    pair: "the project's QR code text, switchboard://pair?server=…&license=… (instead of --server and --license)",
    driver: 'what sends the messages: simulate (default) or modem (a GSM modem on a serial port)',
    'delay-ms': 'pause between two messages the gateway must keep, 0-600000 (default 10000)',
    'device-id': 'stable device id, 1-64 of A-Z a-z 0-9 . _ : - (default agent-<hostname>)',
    applications: 'applications carried, comma-separated: 1 WhatsApp, 2 WhatsApp Business, 3 SMS, 4 calls (default 1,2,3)',
    'deliver-after-ms': 'simulate: time from sent to delivered (default 0)',
    'phone-name': 'name shown in device-status (default the device id)',
    'call-outcome': CALL_OUTCOME_HELP,
    ...MODEM_OPTION_HELP,
  },
  async run(context) {
    const writeEvent = eventLineWriter(context.print);
    const logger = createLogger(context.config.logLevel);
    const options = agentOptions(context.values, logger);
    let agent: BridgeAgent;
    try {
      agent = new BridgeAgent({ ...options, onEvent: writeEvent, log: logger });
    } catch (error) {
      if (error instanceof AgentInputError) throw new UsageError(error.message);
      throw error;
    }
    const input = attachLineInput(agent, process.stdin, writeEvent);
    const signals = untilSignal();
    // A refusal is reported by the `refused` event and by whenEnded(); start()'s rejection adds nothing.
    agent.start().catch(() => undefined);
    const end = await Promise.race([signals.signal.then(() => undefined), agent.whenEnded()]);
    signals.dispose();
    input.close();
    process.stdin.pause();
    await agent.stop();
    if (end?.refusal) throw new CommandFailedError(`the gateway refused this device: ${end.refusal.reason} (${end.refusal.detail})`);
    return undefined;
  },
};
