// Joins the parts of long received messages (concatenation UDH): parts come in any order, possibly
// interleaved with other senders' messages; a message is handed on once every part is there.
import type { DeliverPdu } from './sms-decode.js';

/** Incomplete messages kept at most; past this the oldest is handed on with the parts it has. */
const MAX_INCOMPLETE = 64;

/** Where a part was read: its PDU as the modem gave it, and its storage slot (to delete once stored). */
export interface PartSource {
  hex: string;
  index: number | undefined;
}

export interface WholeMessage {
  from: string;
  text: string;
  /** Its parts' sources, in the order they were read. */
  sources: PartSource[];
}

export class InboundParts {
  private readonly incomplete = new Map<string, { from: string; total: number; parts: Map<number, string>; sources: PartSource[] }>();

  /** A received PDU: the whole message when it is complete (or was never split), else undefined. */
  add(pdu: DeliverPdu, source: PartSource): WholeMessage | undefined {
    if (!pdu.concat || pdu.concat.total <= 1) return { from: pdu.from, text: pdu.text, sources: [source] };
    const key = `${pdu.from}|${pdu.concat.reference}|${pdu.concat.total}`;
    let entry = this.incomplete.get(key);
    if (!entry) {
      entry = { from: pdu.from, total: pdu.concat.total, parts: new Map(), sources: [] };
      this.incomplete.set(key, entry);
    }
    entry.parts.set(pdu.concat.sequence, pdu.text);
    entry.sources.push(source);
    if (entry.parts.size >= entry.total) {
      this.incomplete.delete(key);
      return joined(entry);
    }
    if (this.incomplete.size > MAX_INCOMPLETE) {
      // A part lost by the network would otherwise hold its message for ever: better part of it than none.
      const [oldestKey, oldest] = this.incomplete.entries().next().value!;
      this.incomplete.delete(oldestKey);
      return joined(oldest);
    }
    return undefined;
  }
}

function joined({ from, parts, sources }: { from: string; parts: Map<number, string>; sources: PartSource[] }): WholeMessage {
  return { from, text: [...parts.entries()].sort(([a], [b]) => a - b).map(([, text]) => text).join(''), sources };
}
