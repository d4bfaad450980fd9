// SMS through the modem: sends messages one at a time with AT+CMGS (PDU mode, one command per part),
// matches status reports to the message references +CMGS answered, and reads and joins the messages the
// modem receives (+CMTI → AT+CMGR; those stored while away with AT+CMGL), deleting each from the modem
// (AT+CMGD) only once the gateway has stored it.
import { createHash } from 'node:crypto';
import type { DriverHost, OutgoingMessage } from '../driver.js';
import type { AgentLog } from '../bridge-agent-options.js';
import { AtCommandError, type AtChannel, type Urc } from './at-channel.js';
import { InboundParts, type PartSource } from './inbound-parts.js';
import { reportOutcome, sendFailure } from './modem-errors.js';
import { decodePdu, PduError } from './sms-decode.js';
import { encodeSubmit, type SubmitPdu } from './sms-submit.js';

export interface ModemSmsOptions {
  commandTimeoutMs: number;
  /** AT+CMGS waits for the network: longer than other commands. */
  sendTimeoutMs: number;
  log?: AgentLog;
  now: () => number;
}

/** How long a status report may wait for the +CMGS answer of its message. */
const EARLY_REPORT_MS = 60_000;

/** A sent message waiting for its parts' status reports. */
interface Tracked {
  msgId: string;
  partsLeft: number;
  isSettled: boolean;
}

export class ModemSms {
  private at: AtChannel | undefined;
  private readonly queue: OutgoingMessage[] = [];
  private isSending = false;
  private reference = 0;
  /** By TP-MR (0–255, reused by the modem after 256 messages: the newest wins). */
  private readonly tracked = new Map<number, Tracked>();
  /**
   * Status reports whose reference is not tracked yet: a fast network's report can come in the same
   * read as the +CMGS answer, and is handled before the send that waits for that answer resumes.
   */
  private readonly early = new Map<number, { status: number; at: number }>();
  /**
   * Received PDUs read from the modem and still on it, by their hex, with the slots they are in: a message
   * stays on the modem until the gateway has stored it, so an agent stopped meanwhile reads it again at its
   * next start (AT+CMGL) and sends it again under the same id. A PDU read twice (listed by AT+CMGL and
   * announced by +CMTI at once) only adds its slot.
   */
  private readonly held = new Map<string, Set<number>>();
  /** PDUs stored by the gateway and deleted from the modem lately: the same one read again is not sent again. */
  private readonly deleted = new Set<string>();
  private readonly parts = new InboundParts();

  constructor(
    private readonly host: DriverHost,
    private readonly options: ModemSmsOptions,
  ) {}

  get queued(): number {
    return this.queue.length;
  }

  /** The modem is ready: send what waited, and collect what arrived while we were away. */
  attach(at: AtChannel): void {
    this.at = at;
    void this.readStored(at);
    this.pump();
  }

  detach(): void {
    this.at = undefined;
  }

  send(message: OutgoingMessage): void {
    this.queue.push(message);
    this.pump();
  }

  /** Messages not yet handed to the modem (the agent's delete-message-queue, or a locked SIM). */
  drain(): OutgoingMessage[] {
    return this.queue.splice(0);
  }

  urc(urc: Urc): void {
    const at = this.at;
    const stored = /^\+C(MTI|DSI):\s*"?\w*"?\s*,\s*(\d+)/.exec(urc.line);
    if (stored && at) return void this.readAndDelete(at, Number(stored[2]));
    if (urc.line.startsWith('+CDS:') && urc.pdu) this.handlePdu(urc.pdu);
  }

  private pump(): void {
    const at = this.at;
    if (!at || this.isSending) return;
    const message = this.queue.shift();
    if (!message) return;
    this.isSending = true;
    void this.sendOne(at, message).finally(() => {
      this.isSending = false;
      this.pump();
    });
  }

  private async sendOne(at: AtChannel, message: OutgoingMessage): Promise<void> {
    let pdus: SubmitPdu[];
    try {
      this.reference = (this.reference + 1) & 0xff;
      pdus = encodeSubmit(message.number, message.text, { isStatusReportRequested: true, reference: this.reference });
    } catch (error) {
      return this.host.failed(message.msgId, `cannot send as SMS: ${(error as Error).message}`, false);
    }
    const tracked: Tracked = { msgId: message.msgId, partsLeft: pdus.length, isSettled: false };
    let sentParts = 0;
    const references: number[] = [];
    try {
      for (const pdu of pdus) {
        const lines = await at.run(`AT+CMGS=${pdu.tpduLength}`, this.options.sendTimeoutMs, pdu.hex);
        const reference = /^\+CMGS:\s*(\d+)/.exec(lines.find((line) => line.startsWith('+CMGS:')) ?? '');
        if (reference) references.push(Number(reference[1]));
        if (reference) this.tracked.set(Number(reference[1]), tracked);
        sentParts += 1;
      }
    } catch (error) {
      // The modem went away before taking any part: the message waits for it, at the head of the queue.
      if (error instanceof AtCommandError && error.result === 'closed' && sentParts === 0) return void this.queue.unshift(message);
      const failure = sendFailure(error);
      return this.host.failed(message.msgId, sentParts > 0 ? `${failure.reason} (after ${sentParts} of ${pdus.length} parts)` : failure.reason, failure.retryable);
    }
    this.host.sent(message.msgId);
    for (const reference of references) this.applyEarly(reference);
  }

  /** A report that came before its +CMGS answer was read, applied once the message is reported sent. */
  private applyEarly(reference: number): void {
    const early = this.early.get(reference);
    if (early === undefined) return;
    this.early.delete(reference);
    // An old report (a duplicate, or one for a message sent before a restart) must not settle a new message.
    if (this.options.now() - early.at <= EARLY_REPORT_MS) this.statusReport(reference, early.status);
  }

  private async readStored(at: AtChannel): Promise<void> {
    try {
      // 4 = all messages, in PDU mode: each +CMGL line is followed by its PDU.
      const lines = await at.run('AT+CMGL=4', this.options.commandTimeoutMs);
      for (let i = 0; i < lines.length; i += 1) {
        const index = /^\+CMGL:\s*(\d+)/.exec(lines[i]!);
        if (!index || i + 1 >= lines.length) continue;
        const stat = Number(/^\+CMGL:\s*\d+\s*,\s*(\d+)/.exec(lines[i]!)?.[1]);
        // Stored unsent/sent messages (stat 2, 3) are the SIM owner's drafts: left alone.
        const isKept = stat > 1 || this.handlePdu(lines[i + 1]!, Number(index[1]));
        i += 1;
        if (!isKept) await at.run(`AT+CMGD=${index[1]}`, this.options.commandTimeoutMs);
      }
    } catch (error) {
      this.options.log?.warn({ err: (error as Error).message }, 'could not read the messages stored on the modem');
    }
  }

  private async readAndDelete(at: AtChannel, index: number): Promise<void> {
    try {
      const lines = await at.run(`AT+CMGR=${index}`, this.options.commandTimeoutMs);
      const at0 = lines.findIndex((line) => line.startsWith('+CMGR:'));
      const isKept = at0 >= 0 && lines[at0 + 1] !== undefined && this.handlePdu(lines[at0 + 1]!, index);
      if (!isKept) await at.run(`AT+CMGD=${index}`, this.options.commandTimeoutMs);
    } catch (error) {
      this.options.log?.warn({ index, err: (error as Error).message }, 'could not read a message from the modem');
    }
  }

  /** Handles a PDU read from the modem's slot `index`; answers whether the slot must be kept for now. */
  private handlePdu(hex: string, index?: number): boolean {
    let pdu: ReturnType<typeof decodePdu>;
    try {
      pdu = decodePdu(hex);
    } catch (error) {
      if (!(error instanceof PduError)) throw error;
      this.options.log?.warn({ err: error.message }, 'the modem handed over a PDU that cannot be read');
      return false;
    }
    if (pdu.kind === 'status-report') {
      this.statusReport(pdu.reference, pdu.status);
      return false;
    }
    if (pdu.kind !== 'deliver' || this.deleted.has(hex)) return false;
    const slots = this.held.get(hex);
    if (slots) {
      if (index !== undefined) slots.add(index);
      return true;
    }
    this.held.set(hex, new Set(index === undefined ? [] : [index]));
    const whole = this.parts.add(pdu, { hex, index });
    if (whole) {
      const input = { number: whole.from.replace(/^\+/, ''), text: whole.text, type: 1, application: 3 };
      void this.host.received(input, stableMessageId(whole.sources)).then(() => this.release(whole.sources));
    }
    return true;
  }

  /** The gateway stored the message: its parts leave the modem (or, unplugged meanwhile, at the next AT+CMGL). */
  private async release(sources: readonly PartSource[]): Promise<void> {
    for (const { hex } of sources) {
      const slots = this.held.get(hex) ?? new Set<number>();
      this.held.delete(hex);
      const at = this.at;
      if (!at) continue;
      try {
        for (const slot of slots) await at.run(`AT+CMGD=${slot}`, this.options.commandTimeoutMs);
        this.deleted.add(hex);
        if (this.deleted.size > 256) this.deleted.delete(this.deleted.values().next().value!);
      } catch (error) {
        this.options.log?.warn({ err: (error as Error).message }, 'could not delete a stored message from the modem');
      }
    }
  }

  private statusReport(reference: number, status: number): void {
    const tracked = this.tracked.get(reference);
    if (!tracked) {
      // Kept for a send still waiting for its +CMGS answer; references repeat after 256, so few are kept.
      this.early.set(reference, { status, at: this.options.now() });
      if (this.early.size > 16) this.early.delete(this.early.keys().next().value!);
      return;
    }
    if (tracked.isSettled) return;
    const outcome = reportOutcome(status);
    if (outcome === 'pending') return;
    this.tracked.delete(reference);
    if (outcome === 'failed') {
      tracked.isSettled = true;
      return this.host.failed(tracked.msgId, `the network could not deliver it (status report TP-ST 0x${status.toString(16).padStart(2, '0')})`, false);
    }
    tracked.partsLeft -= 1;
    if (tracked.partsLeft === 0) {
      tracked.isSettled = true;
      this.host.delivered(tracked.msgId);
    }
  }
}

/**
 * The id a received message is sent under: from its parts' PDUs (which carry the sender and the network's
 * time stamp), so a message read again after a restart gets the same one and the gateway stores it once.
 */
function stableMessageId(sources: readonly PartSource[]): string {
  const digest = createHash('sha256').update(sources.map((source) => source.hex).sort().join('\n')).digest('hex');
  return `sms-${digest.slice(0, 32)}`;
}
