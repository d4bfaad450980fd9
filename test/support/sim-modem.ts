// A simulated GSM modem for the modem driver's tests: an AT command responder on the far end of a
// pseudo-terminal. It keeps what the driver sent (the PDUs, decoded), answers +CMGS with message
// references and optional +CMS errors, sends status reports (+CDS, or +CDSI when asked), stores
// received messages (+CMTI), checks the SIM PIN, and plays voice calls for AT+CLCC / AT+CHLD.
import { SerialPort } from 'serialport';
import { decodePdu, type SubmitPduFields } from '../../src/agent/modem/sms-decode.js';
import { deliverPdus, statusReportPdu } from './sim-modem-pdus.js';

export interface SimModemOptions {
  /** The SIM asks for this PIN before anything else. */
  pin?: string;
  /** Answer AT+CNMI=…,1,… with ERROR, as modems that only store status reports (+CDSI). */
  storesStatusReports?: boolean;
  /** AT+CHLD=? lists 3 (default true). */
  supportsConference?: boolean;
  /** Status report sent for each part sent: a TP-ST, or none (default 0, received). */
  reportStatus?: number | 'none';
  /** Time from the +CMGS answer to its +CDS, which may land right after the next prompt; 0 sends both in one write (default 5). */
  reportDelayMs?: number;
  /** How each dialed number's call goes (default: answered). */
  callOutcome?: (number: string) => 'answer' | 'busy' | 'no_answer';
  /** The SIM of that modem, moved into this one: the messages stored on it are still there. */
  simFrom?: SimModem;
}

export interface SimCall {
  id: number;
  number: string;
  /** 0 active, 1 held, 2 dialing, 3 alerting. */
  stat: number;
  isMultiparty: boolean;
}

export class SimModem {
  readonly submitted: SubmitPduFields[] = [];
  readonly commands: string[] = [];
  readonly calls: SimCall[] = [];
  readonly pinsTried: string[] = [];
  /** Errors for the next AT+CMGS commands, e.g. '+CMS ERROR: 42'. */
  readonly sendErrors: string[] = [];
  private readonly storage = new Map<number, { stat: number; pdu: string }>();
  private nextIndex = 1;
  private nextReference = 1;
  private nextCallId = 1;
  private buffer = '';
  private pduLength: number | undefined;
  private isEcho = true;
  private isPinReady: boolean;
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly port: SerialPort,
    private readonly options: SimModemOptions,
  ) {
    this.isPinReady = options.pin === undefined;
    if (options.simFrom) {
      for (const [index, message] of options.simFrom.storage) this.storage.set(index, message);
      this.nextIndex = options.simFrom.nextIndex;
    }
    port.on('data', (chunk: Buffer) => this.feed(chunk.toString('latin1')));
    port.on('error', () => undefined); // the far end going away (socat killed) is part of the tests
  }

  static open(path: string, options: SimModemOptions = {}): Promise<SimModem> {
    return new Promise((resolve, reject) => {
      const port = new SerialPort({ path, baudRate: 115_200, autoOpen: false });
      port.open((error) => (error ? reject(error) : resolve(new SimModem(port, options))));
    });
  }

  /** A message arrives from the network: stored, announced with +CMTI (or left for AT+CMGL when `quiet`). */
  receive(from: string, text: string, options: { parts?: number; reference?: number; quiet?: boolean; order?: number[] } = {}): void {
    const pdus = deliverPdus(from, text, options);
    for (const i of options.order ?? pdus.map((_, n) => n)) {
      const index = this.store(0, pdus[i]!);
      if (!options.quiet) this.write(`\r\n+CMTI: "SM",${index}\r\n`);
    }
  }

  /** The far party hangs up. */
  hangUp(number: string): void {
    const at = this.calls.findIndex((call) => call.number === number);
    if (at >= 0) this.calls.splice(at, 1);
    this.write('\r\nNO CARRIER\r\n');
  }

  stored(): number {
    return this.storage.size;
  }

  close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    return new Promise((resolve) => (this.port.isOpen ? this.port.close(() => resolve()) : resolve()));
  }

  private store(stat: number, pdu: string): number {
    const index = this.nextIndex++;
    this.storage.set(index, { stat, pdu });
    return index;
  }

  private write(text: string): void {
    if (this.port.isOpen) this.port.write(Buffer.from(text, 'latin1'));
  }

  private later(ms: number, work: () => void): void {
    const timer = setTimeout(() => (this.timers.delete(timer), work()), ms);
    this.timers.add(timer);
  }

  private feed(text: string): void {
    this.buffer += text;
    for (;;) {
      if (this.pduLength !== undefined) {
        const end = this.buffer.indexOf('\u001a');
        if (end < 0) return;
        const pdu = this.buffer.slice(0, end).trim();
        this.buffer = this.buffer.slice(end + 1);
        this.pduLength = undefined;
        this.submit(pdu);
        continue;
      }
      const end = this.buffer.indexOf('\r');
      if (end < 0) return;
      const command = this.buffer.slice(0, end).trim();
      this.buffer = this.buffer.slice(end + 1);
      if (command) this.command(command);
    }
  }

  private answer(...lines: string[]): void {
    this.write(lines.map((line) => `\r\n${line}\r\n`).join(''));
  }

  private command(command: string): void {
    this.commands.push(command);
    if (this.isEcho) this.write(`${command}\r`);
    const upper = command.toUpperCase();
    if (upper === 'AT' || upper === 'AT+CMEE=1' || upper === 'AT+CMGF=0' || upper === 'AT+COPS=3,0') return this.answer('OK');
    if (upper === 'ATE0') return (this.isEcho = false), this.answer('OK');
    if (upper === 'AT+CPIN?') return this.answer(`+CPIN: ${this.isPinReady ? 'READY' : 'SIM PIN'}`, 'OK');
    const pin = /^AT\+CPIN="?(\d+)"?$/.exec(upper);
    if (pin) {
      this.pinsTried.push(pin[1]!);
      if (pin[1] !== this.options.pin) return this.answer('+CME ERROR: 16');
      this.isPinReady = true;
      return this.answer('OK');
    }
    if (!this.isPinReady) return this.answer('+CME ERROR: 11');
    if (upper.startsWith('AT+CNMI=')) return this.answer(this.options.storesStatusReports && upper.split(',')[3] === '1' ? 'ERROR' : 'OK');
    if (upper === 'AT+CSQ') return this.answer('+CSQ: 20,99', 'OK');
    if (upper === 'AT+COPS?') return this.answer('+COPS: 0,0,"Sim Telecom",7', 'OK');
    if (upper === 'AT+CBC') return this.answer('ERROR');
    if (upper === 'AT+CHLD=?') return this.answer(`+CHLD: (0,1,1x,2,2x${this.options.supportsConference === false ? '' : ',3'},4)`, 'OK');
    const cmgs = /^AT\+CMGS=(\d+)$/.exec(upper);
    if (cmgs) return (this.pduLength = Number(cmgs[1])), this.write('\r\n> ');
    const cmgr = /^AT\+CMGR=(\d+)$/.exec(upper);
    if (cmgr) {
      const entry = this.storage.get(Number(cmgr[1]));
      return entry ? this.answer(`+CMGR: ${entry.stat},,${entry.pdu.length / 2 - 8}`, entry.pdu, 'OK') : this.answer('+CMS ERROR: 321');
    }
    const cmgd = /^AT\+CMGD=(\d+)$/.exec(upper);
    if (cmgd) return this.storage.delete(Number(cmgd[1])), this.answer('OK');
    if (upper === 'AT+CMGL=4') return this.answer(...[...this.storage].flatMap(([index, entry]) => [`+CMGL: ${index},${entry.stat},,${entry.pdu.length / 2 - 8}`, entry.pdu]), 'OK');
    if (upper.startsWith('ATD')) return this.dial(command.slice(3).replace(/;$/, ''));
    if (upper === 'AT+CLCC') return this.answer(...this.calls.map((call) => `+CLCC: ${call.id},0,${call.stat},0,${call.isMultiparty ? 1 : 0},"+${call.number}",145`), 'OK');
    if (upper === 'AT+CHLD=2') return this.calls.forEach((call) => call.stat === 0 && (call.stat = 1)), this.answer('OK');
    if (upper === 'AT+CHLD=3') {
      if (this.options.supportsConference === false) return this.answer('+CME ERROR: 3');
      for (const call of this.calls) (call.stat = 0), (call.isMultiparty = true);
      return this.answer('OK');
    }
    const release = /^AT\+CHLD=1(\d)$/.exec(upper);
    if (release) return this.calls.splice(this.calls.findIndex((call) => call.id === Number(release[1])) >>> 0, 1), this.answer('OK');
    if (upper === 'ATH') return this.calls.splice(0), this.answer('OK');
    this.answer('ERROR');
  }

  private submit(pdu: string): void {
    const error = this.sendErrors.shift();
    if (error) return this.answer(error);
    const decoded = decodePdu(pdu);
    if (decoded.kind !== 'submit') return this.answer('+CMS ERROR: 304');
    this.submitted.push(decoded);
    const reference = this.nextReference++ & 0xff;
    const answer = `\r\n+CMGS: ${reference}\r\n\r\nOK\r\n`;
    const status = this.options.reportStatus ?? 0;
    if (status === 'none' || !decoded.isStatusReportRequested) return this.write(answer);
    const report = statusReportPdu(reference, decoded.to, status);
    const urc = () => (this.options.storesStatusReports ? `\r\n+CDSI: "SR",${this.store(0, report)}\r\n` : `\r\n+CDS: ${report.length / 2 - 1}\r\n${report}\r\n`);
    const delay = this.options.reportDelayMs ?? 5;
    if (delay === 0) return this.write(answer + urc());
    this.write(answer);
    this.later(delay, () => this.write(urc()));
  }

  private dial(number: string): void {
    const outcome = this.options.callOutcome?.(number) ?? 'answer';
    if (outcome === 'busy') return this.answer('BUSY');
    const call: SimCall = { id: this.nextCallId++, number: number.replace(/^\+/, ''), stat: 2, isMultiparty: false };
    this.calls.push(call);
    this.answer('OK');
    this.later(10, () => (call.stat = 3));
    if (outcome === 'answer') this.later(30, () => call.stat === 3 && (call.stat = 0));
  }
}
