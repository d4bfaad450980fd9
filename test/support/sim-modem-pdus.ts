// PDUs a network would hand a modem, built for the simulated modem: SMS-DELIVER (with concatenation
// headers for long texts) and SMS-STATUS-REPORT, from the driver's own GSM-7 tables.
import { isGsm7, packSeptets, textToSeptets } from '../../src/agent/modem/gsm7.js';
import { swappedSemiOctets } from '../../src/agent/modem/pdu-address.js';

/** Time stamp 2026-01-21 15:00:00 +00, as semi-octets. */
const SCTS = '62101251000000';

function address(number: string): string {
  const digits = number.replace(/^\+/, '');
  return Buffer.concat([Buffer.from([digits.length, 0x91]), swappedSemiOctets(digits)]).toString('hex');
}

/** The SMS-DELIVER PDUs (with a service centre address) that carry `text` from `from`, split in `parts`. */
export function deliverPdus(from: string, text: string, options: { parts?: number; reference?: number } = {}): string[] {
  const parts = options.parts ?? 1;
  const chars = [...text];
  const size = Math.ceil(chars.length / parts);
  return Array.from({ length: parts }, (_, i) => {
    const piece = chars.slice(i * size, (i + 1) * size).join('');
    const udh = parts > 1 ? Buffer.from([0x05, 0x00, 0x03, options.reference ?? 9, parts, i + 1]) : Buffer.alloc(0);
    const gsm = isGsm7(text);
    let userData: Buffer;
    let length: number;
    if (gsm) {
      const septets = textToSeptets(piece);
      const fill = udh.length ? (7 - ((udh.length * 8) % 7)) % 7 : 0;
      userData = Buffer.concat([udh, packSeptets(septets, fill)]);
      length = septets.length + Math.ceil((udh.length * 8) / 7);
    } else {
      userData = Buffer.concat([udh, Buffer.from(piece, 'utf16le').swap16()]);
      length = userData.length;
    }
    const first = parts > 1 ? 0x44 : 0x04;
    return `07914151551512F2${first.toString(16).padStart(2, '0')}${address(from)}00${gsm ? '00' : '08'}${SCTS}${length.toString(16).padStart(2, '0')}${userData.toString('hex')}`.toUpperCase();
  });
}

/** An SMS-STATUS-REPORT for message reference `reference` with TP-ST `status` (0 = received). */
export function statusReportPdu(reference: number, recipient: string, status: number): string {
  return `0002${reference.toString(16).padStart(2, '0')}${address(recipient)}${SCTS}${SCTS}${status.toString(16).padStart(2, '0')}`.toUpperCase();
}
