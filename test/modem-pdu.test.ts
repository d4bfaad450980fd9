// The modem driver's PDU codec (3GPP TS 23.038 / 23.040) against known PDUs and its own round trips:
// GSM-7 packing with the extension table, UCS-2, concatenation headers, status reports.
import { describe, expect, it } from 'vitest';
import { isGsm7, packSeptets, septetsToText, textToSeptets, unpackSeptets } from '../src/agent/modem/gsm7.js';
import { decodePdu } from '../src/agent/modem/sms-decode.js';
import { encodeSubmit } from '../src/agent/modem/sms-submit.js';

const PLAIN = { isStatusReportRequested: false, reference: 0 };

describe('GSM-7', () => {
  it('packs "hellohello" into the nine octets of the spec examples', () => {
    expect(packSeptets(textToSeptets('hellohello')).toString('hex').toUpperCase()).toBe('E8329BFD4697D9EC37');
    expect(septetsToText(unpackSeptets(Buffer.from('E8329BFD4697D9EC37', 'hex'), 10))).toBe('hellohello');
  });

  it('spends two septets on extension characters and reads them back', () => {
    expect(textToSeptets('€[]')).toEqual([0x1b, 0x65, 0x1b, 0x3c, 0x1b, 0x3e]);
    expect(septetsToText(textToSeptets('{a|b}~^\\€'))).toBe('{a|b}~^\\€');
    expect(isGsm7('Ça coûte 5€')).toBe(false); // û is not in the default alphabet
    expect(isGsm7('Ça coute 5€ @ £ ¥ è')).toBe(true);
  });
});

describe('SMS-SUBMIT', () => {
  it('encodes the classic example to +46708251358 octet for octet', () => {
    const [pdu, ...rest] = encodeSubmit('+46708251358', 'hellohello', PLAIN);
    expect(rest).toEqual([]);
    expect(pdu!.hex).toBe('0011000B916407281553F80000AA0AE8329BFD4697D9EC37');
    expect(pdu!.tpduLength).toBe(23);
  });

  it('sends E.164 numbers as international and short codes and national numbers as dialled', () => {
    expect(encodeSubmit('15550001111', 'x', PLAIN)[0]!.hex.slice(6, 10)).toBe('0B91');
    expect(encodeSubmit('07700900123', 'x', PLAIN)[0]!.hex.slice(6, 10)).toBe('0B81');
    expect(encodeSubmit('12345', 'x', PLAIN)[0]!.hex.slice(6, 10)).toBe('0581');
    expect(() => encodeSubmit('call me', 'x', PLAIN)).toThrow(/not a phone number/);
  });

  it('sets TP-SRR when a status report is wanted', () => {
    const [pdu] = encodeSubmit('46708251358', 'hellohello', { isStatusReportRequested: true, reference: 0 });
    expect(pdu!.hex.slice(2, 4)).toBe('31');
    expect(decodePdu(pdu!.hex)).toMatchObject({ kind: 'submit', to: '+46708251358', isStatusReportRequested: true, text: 'hellohello' });
  });

  it('sends text outside GSM-7 as UCS-2, surrogate pairs included', () => {
    const [pdu] = encodeSubmit('+15550001111', 'Привет 👋', PLAIN);
    const decoded = decodePdu(pdu!.hex);
    expect(decoded).toMatchObject({ kind: 'submit', dcs: 0x08, text: 'Привет 👋' });
    expect(decoded).not.toHaveProperty('concat');
  });

  it('splits long GSM-7 text into 153-septet parts with one reference and never splits an escape', () => {
    const text = `${'a'.repeat(152)}€${'b'.repeat(200)}`;
    const parts = encodeSubmit('+15550001111', text, { isStatusReportRequested: true, reference: 42 });
    expect(parts).toHaveLength(3);
    const decoded = parts.map((part) => decodePdu(part.hex) as { text: string; concat: unknown });
    expect(decoded.map((part) => part.concat)).toEqual([1, 2, 3].map((sequence) => ({ reference: 42, total: 3, sequence })));
    expect(decoded[0]!.text).toBe('a'.repeat(152)); // the € (two septets) would not fit: it opens part 2
    expect(decoded.map((part) => part.text).join('')).toBe(text);
    expect(parts[0]!.hex.slice(2, 4)).toBe('71'); // SUBMIT + relative validity + SRR + UDHI
  });

  it('keeps 160 GSM-7 characters in one message and 161 in two', () => {
    expect(encodeSubmit('+15550001111', 'x'.repeat(160), PLAIN)).toHaveLength(1);
    expect(encodeSubmit('+15550001111', 'x'.repeat(161), PLAIN)).toHaveLength(2);
  });

  it('splits long UCS-2 text into 67-unit parts', () => {
    const text = 'я'.repeat(140);
    const parts = encodeSubmit('+15550001111', text, { isStatusReportRequested: false, reference: 7 });
    expect(parts).toHaveLength(3);
    expect(parts.map((part) => (decodePdu(part.hex) as { text: string }).text).join('')).toBe(text);
  });
});

describe('received PDUs', () => {
  it('decodes the classic SMS-DELIVER example', () => {
    expect(decodePdu('07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37')).toEqual({
      kind: 'deliver',
      serviceCentre: '+27381000015',
      from: '27838890001',
      at: Date.UTC(1999, 2, 29, 15, 16, 59) - 2 * 3_600_000,
      text: 'hellohello',
    });
  });

  it('reads a status report: reference, recipient and TP-ST', () => {
    // SMSC none, SMS-STATUS-REPORT, MR 0x2A, +15550001111, two time stamps, status 0 (received).
    const pdu = `0002${'2A'}0B915155001011F1${'62101251000000'.repeat(2)}00`;
    expect(decodePdu(pdu)).toEqual({ kind: 'status-report', reference: 42, recipient: '+15550001111', status: 0 });
  });

  it('refuses a PDU cut short with a PduError, not a crash', () => {
    expect(() => decodePdu('07917283010010F5040BC872388809')).toThrow(/cut short|shorter|malformed|past the end/);
    expect(() => decodePdu('xyz')).toThrow(/hex/);
  });
});
