// Phone numbers in SMS PDUs (3GPP TS 23.040 §9.1.2.5): a digit count, a type of address, and the digits
// as swapped semi-octets; alphanumeric senders (type 0x50) carry GSM-7 text instead.
import { septetsToText, unpackSeptets } from './gsm7.js';

/**
 * International numbers (E.164 with or without "+", what pushes carry) use type 0x91; short codes and
 * national numbers (a leading 0) go as "unknown" (0x81), for the network to read as dialled.
 */
export function encodeAddress(number: string): Buffer {
  const international = number.startsWith('+') || /^[1-9]\d{7,}$/.test(number);
  const digits = number.replace(/^\+/, '');
  if (!/^\d{1,20}$/.test(digits)) throw new RangeError(`"${number}" is not a phone number`);
  return Buffer.concat([Buffer.from([digits.length, international ? 0x91 : 0x81]), swappedSemiOctets(digits)]);
}

export function swappedSemiOctets(digits: string): Buffer {
  const padded = digits.length % 2 ? `${digits}F` : digits;
  const out = Buffer.alloc(padded.length / 2);
  for (let i = 0; i < padded.length; i += 2) out[i / 2] = parseInt(`${padded[i + 1]}${padded[i]}`, 16);
  return out;
}

export function readSemiOctets(data: Buffer, digitCount: number): string {
  let digits = '';
  for (const octet of data) digits += `${(octet & 0x0f).toString(16)}${(octet >> 4).toString(16)}`;
  // BCD digits are 0-9; * # a b c are 0xA-0xE in the spec's table.
  return digits.slice(0, digitCount).replace(/f/g, '').replace(/a/g, '*').replace(/b/g, '#');
}

/** Reads an originating/recipient address at `offset`: the number and the offset after it. */
export function decodeAddress(pdu: Buffer, offset: number): { number: string; next: number } {
  const length = pdu[offset]!;
  const type = pdu[offset + 1]!;
  const octets = Math.ceil(length / 2);
  const body = pdu.subarray(offset + 2, offset + 2 + octets);
  const next = offset + 2 + octets;
  if (next > pdu.length) throw new RangeError('the address runs past the end of the PDU');
  if ((type & 0x70) === 0x50) return { number: septetsToText(unpackSeptets(body, Math.floor((length * 4) / 7))), next };
  const digits = readSemiOctets(body, length);
  return { number: (type & 0x70) === 0x10 ? `+${digits}` : digits, next };
}
