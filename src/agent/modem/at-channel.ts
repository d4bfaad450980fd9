// AT command conversation with a modem (3GPP TS 27.007 / 27.005): one command at a time, each with a
// timeout, its final result code (OK, ERROR, +CMS ERROR, +CME ERROR, BUSY…) told apart from the
// unsolicited result codes (+CMTI, +CDS, RING…) that the modem may send at any moment.
import type { SerialLink } from './serial-link.js';

export class AtCommandError extends Error {
  constructor(
    readonly command: string,
    /** `+CMS ERROR`, `+CME ERROR`, `ERROR`, `BUSY`, `NO CARRIER`, `NO ANSWER`, `NO DIALTONE`, `timeout` or `closed`. */
    readonly result: string,
    /** The numeric error of +CMS/+CME ERROR (verbose texts are kept in `detail`). */
    readonly code: number | undefined,
    readonly detail: string,
  ) {
    super(`${command}: ${result}${code !== undefined ? ` ${code}` : ''}${detail ? ` (${detail})` : ''}`);
    this.name = 'AtCommandError';
  }
}

/** An unsolicited result code: its line, and for +CDS / +CMT the PDU line that follows. */
export interface Urc {
  line: string;
  pdu?: string;
}

/** Final results of a dial; for other commands these are a call ending (a URC), e.g. during an AT+CLCC poll. */
const DIAL_RESULTS = ['BUSY', 'NO CARRIER', 'NO ANSWER', 'NO DIALTONE'];
const URC_PREFIXES = ['+CMTI:', '+CDSI:', '+CDS:', '+CMT:', 'RING', '+CRING:', '+CLIP:', '+CREG:', '+CCWA:', '^', '+QIND:', '+CIEV:'];
/** URCs followed by a PDU line (PDU mode). */
const URCS_WITH_PDU = ['+CDS:', '+CMT:'];

interface Pending {
  command: string;
  /** Sent after the modem's "> " prompt (AT+CMGS), ended by Ctrl-Z. */
  pdu?: string;
  lines: string[];
  timeoutMs: number;
  resolve(lines: string[]): void;
  reject(error: AtCommandError): void;
  timer?: NodeJS.Timeout;
}

export class AtChannel {
  private buffer = '';
  private current: Pending | undefined;
  private readonly waiting: Pending[] = [];
  private urcAwaitingPdu: string | undefined;
  private isClosed = false;

  constructor(
    private readonly link: SerialLink,
    private readonly onUrc: (urc: Urc) => void,
    /** A command got no final result in time: the modem is stuck or gone (the driver reconnects). */
    private readonly onTimeout: (command: string) => void,
  ) {}

  /** Runs `command`; resolves with its information lines, rejects with AtCommandError. */
  run(command: string, timeoutMs: number, pdu?: string): Promise<string[]> {
    if (this.isClosed) return Promise.reject(new AtCommandError(command, 'closed', undefined, 'the modem is not connected'));
    return new Promise((resolve, reject) => {
      const entry: Pending = { command, lines: [], timeoutMs, resolve, reject, ...(pdu !== undefined && { pdu }) };
      this.waiting.push(entry);
      this.next();
    });
  }

  /** Text from the modem. */
  feed(text: string): void {
    this.buffer += text;
    let end: number;
    while ((end = this.buffer.search(/[\r\n]/)) >= 0) {
      const line = this.buffer.slice(0, end).trim();
      this.buffer = this.buffer.slice(end + 1);
      if (line) this.line(line);
    }
    // The SMS prompt "> " ends no line: answered once the lines before it (URCs, often) are handled.
    if (this.current?.pdu !== undefined && /^> ?$/.test(this.buffer)) {
      this.buffer = '';
      this.writePdu(this.current);
    }
    if (this.buffer.length > 65_536) this.buffer = ''; // line noise without line ends: drop it
  }

  /** The link is gone: every command fails with `closed`. */
  close(): void {
    this.isClosed = true;
    const error = (command: string) => new AtCommandError(command, 'closed', undefined, 'the modem went away');
    if (this.current) {
      clearTimeout(this.current.timer);
      this.current.reject(error(this.current.command));
      this.current = undefined;
    }
    for (const entry of this.waiting.splice(0)) entry.reject(error(entry.command));
  }

  private line(line: string): void {
    if (this.urcAwaitingPdu !== undefined) {
      const urc = this.urcAwaitingPdu;
      this.urcAwaitingPdu = undefined;
      return this.onUrc({ line: urc, pdu: line });
    }
    if (URC_PREFIXES.some((prefix) => line.startsWith(prefix)) && !this.isAnswerOf(line)) {
      if (URCS_WITH_PDU.some((prefix) => line.startsWith(prefix))) this.urcAwaitingPdu = line;
      else this.onUrc({ line });
      return;
    }
    const current = this.current;
    // A prompt that a URC followed in the same read arrives as a line of its own.
    if (current?.pdu !== undefined && line === '>') return this.writePdu(current);
    if (!current) {
      // NO CARRIER / BUSY with no command waiting: a call ended; the call poller sees it too.
      return this.onUrc({ line });
    }
    if (line === current.command) return; // echo, before ATE0 took effect
    if (line === 'OK') return this.finish(() => current.resolve(current.lines));
    const error = /^\+(CMS|CME) ERROR:\s*(.*)$/.exec(line);
    if (error) {
      const code = /^\d+$/.test(error[2]!) ? Number(error[2]) : undefined;
      return this.finish(() => current.reject(new AtCommandError(current.command, `+${error[1]} ERROR`, code, code === undefined ? error[2]! : '')));
    }
    if (line === 'ERROR' || (DIAL_RESULTS.includes(line) && current.command.startsWith('ATD'))) return this.finish(() => current.reject(new AtCommandError(current.command, line, undefined, '')));
    if (DIAL_RESULTS.includes(line)) return this.onUrc({ line });
    current.lines.push(line);
  }

  private writePdu(current: Pending): void {
    this.link.write(`${current.pdu}\u001a`);
    current.pdu = undefined;
  }

  /** An answer line that looks like a URC (+CMGR of a status report is not a +CDS). */
  private isAnswerOf(line: string): boolean {
    return this.current !== undefined && line.startsWith('RING') === false && this.current.command.startsWith(`AT${line.split(':')[0]}`);
  }

  private finish(settle: () => void): void {
    clearTimeout(this.current!.timer);
    this.current = undefined;
    settle();
    this.next();
  }

  private next(): void {
    if (this.current || this.isClosed) return;
    const entry = this.waiting.shift();
    if (!entry) return;
    entry.timer = setTimeout(() => {
      if (this.current !== entry) return;
      this.current = undefined;
      entry.reject(new AtCommandError(entry.command, 'timeout', undefined, `no answer within ${entry.timeoutMs} ms`));
      this.onTimeout(entry.command);
      this.next();
    }, entry.timeoutMs);
    this.current = entry;
    this.link.write(`${entry.command}\r`);
  }
}
