// The `modem` driver: a GSM/LTE modem (or a phone in modem mode) on a serial port sends the SMS of
// application 3 and places the calls of application 4. It keeps the modem session, the SMS queue, the
// conference queue and the heartbeat readings (signal, operator, battery) together.
import type { AgentLog } from '../bridge-agent-options.js';
import type { Driver, DriverFactory, DriverHost, OutgoingConference, OutgoingMessage } from '../driver.js';
import { DEFAULT_BACKOFF, type BackoffSettings } from '../reconnect-backoff.js';
import type { AtChannel, Urc } from './at-channel.js';
import { ModemCalls } from './modem-calls.js';
import { batteryOf, operatorOf, signalPercent } from './modem-readings.js';
import { ModemSession, type ModemFeatures } from './modem-session.js';
import { ModemSms } from './modem-sms.js';
import type { OpenSerialLink } from './serial-link.js';

/** `serialport` (a native module) is loaded when a modem is first opened: a simulated phone never needs it. */
const openSerialLink: OpenSerialLink = async (path, baudRate, events) => (await import('./serial-link.js')).openSerialLink(path, baudRate, events);

export interface ModemDriverOptions {
  /** The serial device, e.g. /dev/ttyUSB0 or /dev/serial/by-id/usb-…-if02-port0. */
  port: string;
  baudRate?: number;
  /** Sent once when the SIM asks for it; a refused PIN is never sent again. */
  pin?: string;
  /** Most AT commands (default 10 000 ms). */
  commandTimeoutMs?: number;
  /** AT+CMGS, which waits for the network (default 60 000 ms). */
  sendTimeoutMs?: number;
  /** Time between two readings of signal, operator and battery (default 30 000 ms). */
  readingsMs?: number;
  /** Time between two AT+CLCC polls during a call (default 1 000 ms). */
  callPollMs?: number;
  /** A member still ringing after this is hung up (default 45 000 ms). */
  ringTimeoutMs?: number;
  /** Waits before reopening a lost port (default 500 ms doubling to 30 s). */
  backoff?: Partial<BackoffSettings>;
  log?: AgentLog;
  /** Opens the serial port (the serialport wrapper; nothing else is meant to replace it). */
  open?: OpenSerialLink;
  now?: () => number;
}

class ModemDriver implements Driver {
  readonly name = 'modem';
  private readonly session: ModemSession;
  private readonly sms: ModemSms;
  private readonly calls: ModemCalls;
  private at: AtChannel | undefined;
  private features: ModemFeatures = { supportsConference: false };
  private simProblem: string | undefined;
  private readonly conferences: OutgoingConference[] = [];
  private isCalling = false;
  private readingsTimer: NodeJS.Timeout | undefined;
  private hasBattery = true;

  constructor(
    private readonly host: DriverHost,
    private readonly options: ModemDriverOptions,
  ) {
    const commandTimeoutMs = options.commandTimeoutMs ?? 10_000;
    this.sms = new ModemSms(host, { commandTimeoutMs, sendTimeoutMs: options.sendTimeoutMs ?? 60_000, now: options.now ?? Date.now, ...(options.log && { log: options.log }) });
    this.calls = new ModemCalls(host, { commandTimeoutMs, pollMs: options.callPollMs ?? 1_000, ringTimeoutMs: options.ringTimeoutMs ?? 45_000, now: options.now ?? Date.now });
    this.session = new ModemSession(
      {
        port: options.port,
        baudRate: options.baudRate ?? 115_200,
        ...(options.pin !== undefined && { pin: options.pin }),
        commandTimeoutMs,
        backoff: { ...DEFAULT_BACKOFF, initialMs: 500, maxMs: 30_000, ...options.backoff },
        open: options.open ?? openSerialLink,
        ...(options.log && { log: options.log }),
      },
      {
        ready: (at, features) => this.ready(at, features),
        lost: (reason) => this.lost(reason),
        simLocked: (detail) => this.simLocked(detail),
        urc: (urc) => this.urc(urc),
      },
    );
    this.session.start();
  }

  send(message: OutgoingMessage): void {
    if (message.application !== 3) return this.host.failed(message.msgId, `the modem driver sends SMS (application 3) only, not application ${message.application}`, false);
    // A locked SIM will not open by waiting: the gateway may hand the message to another device.
    if (this.simProblem) return this.host.failed(message.msgId, `modem: ${this.simProblem}`, true);
    this.sms.send(message);
  }

  call(conference: OutgoingConference): void {
    this.host.emit({ event: 'call', push_id: conference.pushId, numbers: conference.members.map((member) => member.number) });
    this.conferences.push(conference);
    this.nextConference();
  }

  dropQueued(): OutgoingMessage[] {
    return this.sms.drain();
  }

  close(): void {
    clearInterval(this.readingsTimer);
    this.session.close();
  }

  private nextConference(): void {
    const at = this.at;
    if (this.isCalling) return;
    const conference = this.conferences.shift();
    if (!conference) return;
    if (!at) {
      for (const member of conference.members) this.host.callStatus(conference, member.callId, 'cancelled', 0, `modem: ${this.simProblem ?? 'not connected'}`);
      return this.nextConference();
    }
    this.isCalling = true;
    void this.calls.place(at, this.features, conference).finally(() => {
      this.isCalling = false;
      this.nextConference();
    });
  }

  private ready(at: AtChannel, features: ModemFeatures): void {
    this.at = at;
    this.features = features;
    this.simProblem = undefined;
    this.host.emit({ event: 'modem', state: 'ready', detail: features.supportsConference ? 'conference calls supported' : 'one-to-one calls only' });
    this.sms.attach(at);
    void this.readReadings(at);
    clearInterval(this.readingsTimer);
    this.readingsTimer = setInterval(() => void this.readReadings(at), this.options.readingsMs ?? 30_000);
  }

  private lost(reason: string): void {
    this.at = undefined;
    clearInterval(this.readingsTimer);
    this.sms.detach();
    this.host.emit({ event: 'modem', state: 'disconnected', detail: reason });
    this.host.status({ signal: 0 });
  }

  private simLocked(detail: string): void {
    this.simProblem = detail;
    this.host.emit({ event: 'modem', state: 'sim_locked', detail });
    for (const message of this.sms.drain()) this.host.failed(message.msgId, `modem: ${detail}`, true);
  }

  private urc(urc: Urc): void {
    this.sms.urc(urc);
  }

  private async readReadings(at: AtChannel): Promise<void> {
    const timeout = this.options.commandTimeoutMs ?? 10_000;
    const ask = (command: string) => at.run(command, timeout).catch(() => undefined);
    const csq = await ask('AT+CSQ');
    const cops = await ask('AT+COPS?');
    const cbc = this.hasBattery ? await ask('AT+CBC') : undefined;
    if (this.at !== at) return;
    // Most USB modems have no battery and answer ERROR: asked once, then left alone.
    if (cbc === undefined) this.hasBattery = false;
    const signal = csq && signalPercent(csq);
    this.host.status({ ...(signal !== undefined && { signal }), ...(cops && operatorOf(cops)), ...(cbc && batteryOf(cbc)) });
  }
}

export function modemDriver(options: ModemDriverOptions): DriverFactory {
  return (host) => new ModemDriver(host, options);
}
