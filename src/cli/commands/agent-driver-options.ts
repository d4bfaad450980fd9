// `switchboard agent --driver`: which driver sends the messages, from its options — `simulate` (with
// --deliver-after-ms, --call-outcome) or `modem` (with --modem-port, --modem-baud, --modem-pin).
import { modemDriver, simulateDriver, type AgentLog, type DriverFactory } from '../../agent/index.js';
import { UsageError, integerArgument, stringOption, type OptionValues } from '../command.js';
import { parseCallOutcome } from './call-outcome-option.js';

const DRIVERS = ['simulate', 'modem'];
const MODEM_OPTIONS = ['modem-port', 'modem-baud', 'modem-pin'];
const SIMULATE_OPTIONS = ['deliver-after-ms', 'call-outcome'];

export const MODEM_OPTION_HELP = {
  'modem-port': 'modem: its serial device, e.g. /dev/ttyUSB2 or /dev/serial/by-id/… (required with --driver modem)',
  'modem-baud': 'modem: serial speed (default 115200)',
  'modem-pin': "modem: the SIM's PIN, 4-8 digits, sent once when the SIM asks (a refused PIN is not sent again)",
};

function deliverAfterMs(values: OptionValues): number {
  const text = stringOption(values, 'deliver-after-ms');
  if (text === undefined) return 0;
  const value = integerArgument(text, '--deliver-after-ms');
  if (value > 86_400_000) throw new UsageError('--deliver-after-ms must be at most 86400000');
  return value;
}

function modem(values: OptionValues, log: AgentLog | undefined): DriverFactory {
  const port = stringOption(values, 'modem-port');
  if (!port) throw new UsageError('--driver modem needs --modem-port (e.g. /dev/ttyUSB2)');
  const baudText = stringOption(values, 'modem-baud');
  const baudRate = baudText === undefined ? 115_200 : integerArgument(baudText, '--modem-baud');
  if (baudRate < 300 || baudRate > 4_000_000) throw new UsageError('--modem-baud is a serial speed, 300-4000000');
  const pin = stringOption(values, 'modem-pin');
  if (pin !== undefined && !/^\d{4,8}$/.test(pin)) throw new UsageError('--modem-pin is 4-8 digits');
  return modemDriver({ port, baudRate, ...(pin !== undefined && { pin }), ...(log && { log }) });
}

/** The driver the options ask for; UsageError for an unknown one or options of the other driver. */
export function agentDriver(values: OptionValues, log?: AgentLog): { factory: DriverFactory; isModem: boolean } {
  const driver = stringOption(values, 'driver') ?? 'simulate';
  if (!DRIVERS.includes(driver)) throw new UsageError(`--driver must be one of ${DRIVERS.join(', ')}`);
  const foreign = (driver === 'modem' ? SIMULATE_OPTIONS : MODEM_OPTIONS).find((name) => stringOption(values, name) !== undefined);
  if (foreign) throw new UsageError(`--${foreign} does not apply to --driver ${driver}`);
  if (driver === 'modem') return { factory: modem(values, log), isModem: true };
  const callOutcome = parseCallOutcome(stringOption(values, 'call-outcome'));
  return { factory: simulateDriver({ deliverAfterMs: deliverAfterMs(values), ...(callOutcome && { callOutcome }) }), isModem: false };
}
