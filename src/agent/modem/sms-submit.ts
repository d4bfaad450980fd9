// Builds SMS-SUBMIT PDUs (3GPP TS 23.040 §9.2.2.2) for AT+CMGS in PDU mode: GSM-7 when every character
// is in the default alphabet or its extension table, UCS-2 otherwise, split into concatenated parts
// (8-bit reference UDH) when the text does not fit in one message.
import { charSeptets, isGsm7, packSeptets } from './gsm7.js';
import { encodeAddress } from './pdu-address.js';

export interface SubmitOptions {
  /** Ask the network for a status report (TP-SRR), answered by +CDS / +CDSI. */
  isStatusReportRequested: boolean;
  /** Concatenation reference shared by the parts of one long message (0–255). */
  reference: number;
}

export interface SubmitPdu {
  /** Hex of the whole PDU, starting with "00" (use the SIM's service centre). */
  hex: string;
  /** The length AT+CMGS wants: octets after the service centre part. */
  tpduLength: number;
}

const SINGLE_GSM7 = 160;
const PART_GSM7 = 153; // 160 septets minus the 6-octet UDH and its fill bit (7 septets)
const SINGLE_UCS2 = 70;
const PART_UCS2 = 67; // (140 - 6) / 2
/** Relative validity period 0xAA: four days, so an unreachable phone still gets it after a weekend. */
const VALIDITY = 0xaa;

/** Splits GSM-7 text into parts of at most `limit` septets, never parting an escape from its character. */
function splitGsm7(text: string, limit: number): number[][] {
  const parts: number[][] = [[]];
  for (const char of text) {
    const septets = charSeptets(char)!;
    if (parts.at(-1)!.length + septets.length > limit) parts.push([]);
    parts.at(-1)!.push(...septets);
  }
  return parts;
}

/** Splits text into UCS-2 parts of at most `limit` code units, never parting a surrogate pair. */
function splitUcs2(text: string, limit: number): Buffer[] {
  const parts: string[] = [''];
  for (const char of text) {
    if (parts.at(-1)!.length + char.length > limit) parts.push('');
    parts[parts.length - 1] += char;
  }
  return parts.map((part) => Buffer.from(part, 'utf16le').swap16());
}

function header(options: SubmitOptions, hasUdh: boolean, to: string, dcs: number): Buffer {
  const firstOctet = 0x01 | 0x10 | (options.isStatusReportRequested ? 0x20 : 0) | (hasUdh ? 0x40 : 0);
  return Buffer.concat([Buffer.from([0x00, firstOctet, 0x00]), encodeAddress(to), Buffer.from([0x00, dcs, VALIDITY])]);
}

function concatUdh(reference: number, total: number, sequence: number): Buffer {
  return Buffer.from([0x05, 0x00, 0x03, reference & 0xff, total, sequence]);
}

function pdu(parts: Buffer[]): SubmitPdu {
  const whole = Buffer.concat(parts);
  return { hex: whole.toString('hex').toUpperCase(), tpduLength: whole.length - 1 };
}

/** The PDUs that carry `text` to `to`, in order (one for a short message). */
export function encodeSubmit(to: string, text: string, options: SubmitOptions): SubmitPdu[] {
  if (isGsm7(text)) {
    const single = splitGsm7(text, SINGLE_GSM7);
    if (single.length === 1) return [pdu([header(options, false, to, 0x00), Buffer.from([single[0]!.length]), packSeptets(single[0]!)])];
    const parts = splitGsm7(text, PART_GSM7);
    if (parts.length > 255) throw new RangeError('the text is too long for one concatenated SMS');
    // The UDH takes 48 bits; one fill bit brings the text to a septet boundary (7 septets in all).
    return parts.map((septets, i) => {
      const udh = concatUdh(options.reference, parts.length, i + 1);
      return pdu([header(options, true, to, 0x00), Buffer.from([septets.length + 7]), gsm7WithUdh(udh, septets)]);
    });
  }
  const single = splitUcs2(text, SINGLE_UCS2);
  if (single.length === 1) return [pdu([header(options, false, to, 0x08), Buffer.from([single[0]!.length]), single[0]!])];
  const parts = splitUcs2(text, PART_UCS2);
  if (parts.length > 255) throw new RangeError('the text is too long for one concatenated SMS');
  return parts.map((body, i) => {
    const udh = concatUdh(options.reference, parts.length, i + 1);
    return pdu([header(options, true, to, 0x08), Buffer.from([udh.length + body.length]), udh, body]);
  });
}

/** User data of a GSM-7 part: the UDH octets, then the septets packed from the next septet boundary. */
function gsm7WithUdh(udh: Buffer, septets: number[]): Buffer {
  const fillBits = (7 - ((udh.length * 8) % 7)) % 7;
  const packed = packSeptets(septets, fillBits);
  return Buffer.concat([udh, packed]);
}
