// The GSM 7-bit default alphabet and its extension table (3GPP TS 23.038): which text fits in GSM-7,
// how characters become septets, and how septets are packed into octets (and back).

/** The default alphabet, septet value = index. 0x1B is the escape to the extension table. */
const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\u001bÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';

/** The extension table: reached by 0x1B, so each of these costs two septets. */
const EXTENSION: Record<number, string> = { 0x0a: '\f', 0x14: '^', 0x28: '{', 0x29: '}', 0x2f: '\\', 0x3c: '[', 0x3d: '~', 0x3e: ']', 0x40: '|', 0x65: '€' };

const ESCAPE = 0x1b;
const BASIC_CODE = new Map<string, number>([...BASIC].map((char, code) => [char, code]));
const EXTENSION_CODE = new Map<string, number>(Object.entries(EXTENSION).map(([code, char]) => [char, Number(code)]));
BASIC_CODE.delete('\u001b');

/** The septets of one character, or undefined when it is outside GSM-7. */
export function charSeptets(char: string): number[] | undefined {
  const basic = BASIC_CODE.get(char);
  if (basic !== undefined) return [basic];
  const extension = EXTENSION_CODE.get(char);
  return extension === undefined ? undefined : [ESCAPE, extension];
}

export function isGsm7(text: string): boolean {
  for (const char of text) if (!charSeptets(char)) return false;
  return true;
}

export function textToSeptets(text: string): number[] {
  return [...text].flatMap((char) => {
    const septets = charSeptets(char);
    if (!septets) throw new RangeError(`"${char}" is not in the GSM 7-bit alphabet`);
    return septets;
  });
}

export function septetsToText(septets: number[]): string {
  let text = '';
  for (let i = 0; i < septets.length; i += 1) {
    const septet = septets[i]!;
    if (septet === ESCAPE && i + 1 < septets.length) {
      i += 1;
      // An unknown extension code shows as a space, as the spec asks of receivers.
      text += EXTENSION[septets[i]!] ?? ' ';
    } else text += septet === ESCAPE ? ' ' : BASIC[septet]!;
  }
  return text;
}

/** Packs septets LSB first, after `fillBits` zero bits (the padding that aligns them after a UDH). */
export function packSeptets(septets: number[], fillBits = 0): Buffer {
  const totalBits = fillBits + septets.length * 7;
  const out = Buffer.alloc(Math.ceil(totalBits / 8));
  septets.forEach((septet, i) => {
    const bit = fillBits + i * 7;
    const byte = bit >> 3;
    const shift = bit & 7;
    out[byte]! |= (septet << shift) & 0xff;
    if (shift > 1) out[byte + 1]! |= septet >> (8 - shift);
  });
  return out;
}

/** Reads `count` septets packed LSB first, skipping `fillBits` leading bits. */
export function unpackSeptets(data: Buffer, count: number, fillBits = 0): number[] {
  const septets: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const bit = fillBits + i * 7;
    const byte = bit >> 3;
    const shift = bit & 7;
    let value = (data[byte] ?? 0) >> shift;
    if (shift > 1) value |= (data[byte + 1] ?? 0) << (8 - shift);
    septets.push(value & 0x7f);
  }
  return septets;
}
