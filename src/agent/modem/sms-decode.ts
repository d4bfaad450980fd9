// Reads the PDUs a modem hands over (3GPP TS 23.040): SMS-DELIVER (a received message, +CMGR/+CMGL),
// SMS-STATUS-REPORT (+CDS, or +CMGR after +CDSI), and SMS-SUBMIT (what we send; the test modem reads it).
import { septetsToText, unpackSeptets } from './gsm7.js';
import { decodeAddress, readSemiOctets } from './pdu-address.js';

/** The concatenation information element of a long message's part. */
export interface ConcatInfo {
  reference: number;
  total: number;
  sequence: number;
}

export interface UserData {
  text: string;
  concat?: ConcatInfo;
}

export interface DeliverPdu {
  kind: 'deliver';
  serviceCentre: string;
  from: string;
  /** The service centre's time stamp, as epoch ms. */
  at: number;
  text: string;
  concat?: ConcatInfo;
}

export interface StatusReportPdu {
  kind: 'status-report';
  /** TP-MR: the reference +CMGS answered for the message this report is about. */
  reference: number;
  recipient: string;
  /** TP-ST: 0x00–0x1F done, 0x20–0x3F still trying, 0x40–0x7F failed. */
  status: number;
}

export interface SubmitPduFields {
  kind: 'submit';
  to: string;
  isStatusReportRequested: boolean;
  dcs: number;
  text: string;
  concat?: ConcatInfo;
}

export class PduError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PduError';
  }
}

/** 0 GSM-7, 1 8-bit data, 2 UCS-2, from a data coding scheme (§4 of TS 23.038). */
function alphabet(dcs: number): 0 | 1 | 2 {
  const group = dcs & 0xf0;
  if ((dcs & 0x80) === 0) return ((dcs >> 2) & 0x03) === 3 ? 0 : (((dcs >> 2) & 0x03) as 0 | 1 | 2);
  if (group === 0xf0) return dcs & 0x04 ? 1 : 0;
  if (group === 0xe0) return 2;
  return 0;
}

function readConcat(udh: Buffer): ConcatInfo | undefined {
  for (let i = 0; i + 1 < udh.length; i += 2 + udh[i + 1]!) {
    const id = udh[i]!;
    const body = udh.subarray(i + 2, i + 2 + udh[i + 1]!);
    if (id === 0x00 && body.length === 3) return { reference: body[0]!, total: body[1]!, sequence: body[2]! };
    if (id === 0x08 && body.length === 4) return { reference: body.readUInt16BE(0), total: body[2]!, sequence: body[3]! };
  }
  return undefined;
}

function readUserData(pdu: Buffer, offset: number, dcs: number, hasUdh: boolean): UserData {
  const length = pdu[offset]!;
  const data = pdu.subarray(offset + 1);
  const udhLength = hasUdh ? data[0]! + 1 : 0;
  const concat = hasUdh ? readConcat(data.subarray(1, udhLength)) : undefined;
  const kind = alphabet(dcs);
  if (kind === 0) {
    const skipBits = udhLength * 8;
    const headerSeptets = Math.ceil(skipBits / 7);
    if (Math.ceil((length * 7) / 8) > data.length || headerSeptets > length) throw new PduError('the user data is shorter than its length says');
    const septets = unpackSeptets(data, length - headerSeptets, headerSeptets * 7);
    return { text: septetsToText(septets), ...(concat && { concat }) };
  }
  if (length > data.length || udhLength > length) throw new PduError('the user data is shorter than its length says');
  const body = data.subarray(udhLength, length);
  const text = kind === 2 ? Buffer.from(body).swap16().toString('utf16le') : body.toString('latin1');
  return { text, ...(concat && { concat }) };
}

/** The semi-octet time stamp (YYMMDDhhmmss + quarter hours of zone) as epoch ms. */
function readTimestamp(pdu: Buffer, offset: number): number {
  const digits = readSemiOctets(pdu.subarray(offset, offset + 6), 12);
  const [yy, mo, dd, hh, mi, ss] = digits.match(/\d\d/g)!.map(Number) as [number, number, number, number, number, number];
  const zoneOctet = pdu[offset + 6]!;
  // Zone: two swapped BCD digits, bit 3 of the first octet is the sign.
  const quarters = (zoneOctet & 0x07) * 10 + (zoneOctet >> 4);
  const sign = zoneOctet & 0x08 ? -1 : 1;
  // Two-digit years: the spec leaves the century open; 70–99 are read as 19xx (old test vectors), the rest as 20xx.
  return Date.UTC((yy >= 70 ? 1900 : 2000) + yy, mo - 1, dd, hh, mi, ss) - sign * quarters * 15 * 60_000;
}

function skipServiceCentre(pdu: Buffer): { serviceCentre: string; next: number } {
  const length = pdu[0]!;
  if (length === 0) return { serviceCentre: '', next: 1 };
  const digits = readSemiOctets(pdu.subarray(2, 1 + length), (length - 1) * 2);
  return { serviceCentre: pdu[1] === 0x91 ? `+${digits}` : digits, next: 1 + length };
}

/** Decodes a PDU as a modem shows it (hex, starting with the service centre address). */
export function decodePdu(hex: string): DeliverPdu | StatusReportPdu | SubmitPduFields {
  if (!/^([0-9A-Fa-f]{2})+$/.test(hex)) throw new PduError('a PDU is an even number of hex digits');
  const pdu = Buffer.from(hex, 'hex');
  try {
    const { serviceCentre, next } = skipServiceCentre(pdu);
    const first = pdu[next]!;
    const hasUdh = (first & 0x40) !== 0;
    switch (first & 0x03) {
      case 0: {
        const from = decodeAddress(pdu, next + 1);
        const dcs = pdu[from.next + 1]!;
        const at = readTimestamp(pdu, from.next + 2);
        return { kind: 'deliver', serviceCentre, from: from.number, at, ...readUserData(pdu, from.next + 9, dcs, hasUdh) };
      }
      case 2: {
        const recipient = decodeAddress(pdu, next + 2);
        return { kind: 'status-report', reference: pdu[next + 1]!, recipient: recipient.number, status: pdu[recipient.next + 14]! };
      }
      case 1: {
        const to = decodeAddress(pdu, next + 2);
        const dcs = pdu[to.next + 1]!;
        const validityFormat = (first >> 3) & 0x03;
        const validityOctets = validityFormat === 2 ? 1 : validityFormat === 0 ? 0 : 7;
        return { kind: 'submit', to: to.number, isStatusReportRequested: (first & 0x20) !== 0, dcs, ...readUserData(pdu, to.next + 2 + validityOctets, dcs, hasUdh) };
      }
      default:
        throw new PduError(`unknown message type ${first & 0x03}`);
    }
  } catch (error) {
    if (error instanceof PduError) throw error;
    throw new PduError('the PDU is cut short or malformed', { cause: error });
  }
}
