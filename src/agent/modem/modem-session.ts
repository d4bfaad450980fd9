// One modem connection at a time: opens the serial port, brings the modem to a known state (echo off,
// numeric errors, SIM PIN, PDU mode, new-message and status-report indications), and when the port
// closes or a command times out (unplugged, hung) closes it and opens it again with backoff.
import type { AgentLog } from '../bridge-agent-options.js';
import { ReconnectBackoff, type BackoffSettings } from '../reconnect-backoff.js';
import { AtChannel, AtCommandError, type Urc } from './at-channel.js';
import type { OpenSerialLink, SerialLink } from './serial-link.js';

export interface ModemSessionOptions {
  port: string;
  baudRate: number;
  pin?: string;
  commandTimeoutMs: number;
  backoff: BackoffSettings;
  open: OpenSerialLink;
  log?: AgentLog;
}

/** What the modem can do, learnt at each connection. */
export interface ModemFeatures {
  /** AT+CHLD=? lists 3: held and active calls can be joined into one conference. */
  supportsConference: boolean;
}

export interface ModemSessionHost {
  ready(at: AtChannel, features: ModemFeatures): void;
  lost(reason: string): void;
  /** The SIM will not open (no PIN given, PIN refused, PUK needed): the session stops trying. */
  simLocked(detail: string): void;
  urc(urc: Urc): void;
}

class SimLockedError extends Error {}

export class ModemSession {
  private link: SerialLink | undefined;
  private at: AtChannel | undefined;
  private timer: NodeJS.Timeout | undefined;
  private isClosed = false;
  /** A refused PIN is never sent again: three refusals would lock the SIM behind its PUK. */
  private isPinRefused = false;
  private readonly backoff: ReconnectBackoff;

  constructor(
    private readonly options: ModemSessionOptions,
    private readonly host: ModemSessionHost,
  ) {
    this.backoff = new ReconnectBackoff(options.backoff);
  }

  start(): void {
    void this.connect();
  }

  close(): void {
    this.isClosed = true;
    clearTimeout(this.timer);
    this.link?.close();
  }

  private async connect(): Promise<void> {
    if (this.isClosed) return;
    let link: SerialLink;
    let at: AtChannel | undefined;
    try {
      link = await this.options.open(this.options.port, this.options.baudRate, {
        onData: (text) => at?.feed(text),
        onClosed: (error) => this.onClosed(link, error),
      });
    } catch (error) {
      this.retry(`${(error as Error).message}`);
      return;
    }
    if (this.isClosed) return link.close();
    this.link = link;
    at = new AtChannel(link, (urc) => this.host.urc(urc), (command) => {
      this.options.log?.warn({ command }, 'the modem did not answer in time: reopening its port');
      link.close();
    });
    this.at = at;
    try {
      const features = await this.initialise(at);
      if (this.link !== link) return;
      this.backoff.reset();
      this.host.ready(at, features);
    } catch (error) {
      if (this.link !== link) return;
      if (error instanceof SimLockedError) {
        this.host.simLocked(error.message);
        // Stay connected with nothing to do: trying again cannot open the SIM, and must not spend PIN tries.
        return;
      }
      this.options.log?.warn({ err: (error as Error).message }, 'the modem could not be set up');
      link.close();
    }
  }

  private onClosed(link: SerialLink, error?: Error): void {
    if (this.link !== link) return;
    this.link = undefined;
    this.at?.close();
    this.at = undefined;
    if (this.isClosed) return; // the driver closed it: nothing lost, nothing to reopen
    const reason = error?.message ?? 'the serial port closed';
    this.host.lost(reason);
    this.retry(reason);
  }

  private retry(reason: string): void {
    if (this.isClosed) return;
    const delay = this.backoff.nextDelayMs();
    this.options.log?.warn({ port: this.options.port, reason, retryInMs: delay }, 'modem not available');
    this.timer = setTimeout(() => void this.connect(), delay);
  }

  private async initialise(at: AtChannel): Promise<ModemFeatures> {
    const timeout = this.options.commandTimeoutMs;
    const optional = (command: string) => at.run(command, timeout).catch((error: unknown) => (error instanceof AtCommandError && error.result !== 'timeout' && error.result !== 'closed' ? [] : Promise.reject(error)));
    // The first AT after opening may be eaten by a modem still waking up: a short try, then the real one.
    await at.run('AT', Math.min(timeout, 2_000)).catch(() => undefined);
    await at.run('ATE0', timeout);
    await optional('AT+CMEE=1');
    await this.unlockSim(at);
    await at.run('AT+CMGF=0', timeout);
    // +CMTI for new messages; status reports as +CDS (ds=1) or, on modems that only store them, +CDSI (ds=2).
    await at.run('AT+CNMI=2,1,0,1,0', timeout).catch(() => optional('AT+CNMI=2,1,0,2,0'));
    await optional('AT+COPS=3,0');
    const hold = (await optional('AT+CHLD=?')).join(' ');
    return { supportsConference: /\+CHLD:.*[(,\s]3[,)]/.test(hold) };
  }

  private async unlockSim(at: AtChannel): Promise<void> {
    const timeout = this.options.commandTimeoutMs;
    const state = async () => (await at.run('AT+CPIN?', timeout)).find((line) => line.startsWith('+CPIN:'))?.slice(6).trim() ?? '';
    let current = await state();
    if (current === 'READY') return;
    if (current !== 'SIM PIN') throw new SimLockedError(`the SIM asks for ${current || 'an unknown code'}; unlock it in a phone first`);
    if (!this.options.pin) throw new SimLockedError('the SIM asks for its PIN: give --modem-pin');
    if (this.isPinRefused) throw new SimLockedError('the SIM refused the PIN given; it is not tried again');
    try {
      await at.run(`AT+CPIN="${this.options.pin}"`, timeout);
    } catch (error) {
      if (error instanceof AtCommandError && error.result !== 'timeout' && error.result !== 'closed') {
        this.isPinRefused = true;
        throw new SimLockedError(`the SIM refused the PIN (${error.message}); it is not tried again, to keep the SIM from locking`);
      }
      throw error;
    }
    // The SIM takes a moment to open after its PIN; SMS commands fail until it says READY.
    for (let tries = 0; tries < 20 && current !== 'READY'; tries += 1) {
      current = await state().catch(() => '');
      if (current !== 'READY') await new Promise((resolve) => setTimeout(resolve, 250));
    }
    if (current !== 'READY') throw new Error('the SIM did not become ready after its PIN');
  }
}
