// The one file that uses the `qrcode` package: PNG renderings (base64) of a text.
import QRCode from 'qrcode';

const pngCache = new Map<string, string>();
const MAX_CACHED = 1000;

/** A PNG of the QR code, base64-encoded; cached because project listings render the same codes often. */
export async function qrPngBase64(text: string): Promise<string> {
  const cached = pngCache.get(text);
  if (cached) return cached;
  const png = await QRCode.toBuffer(text, { type: 'png', errorCorrectionLevel: 'M', margin: 2, scale: 6 });
  const encoded = png.toString('base64');
  if (pngCache.size >= MAX_CACHED) pngCache.delete(pngCache.keys().next().value!);
  pngCache.set(text, encoded);
  return encoded;
}

/** The QR code drawn with block characters, for a terminal. */
export function qrTerminalText(text: string): Promise<string> {
  return QRCode.toString(text, { type: 'terminal', small: true, errorCorrectionLevel: 'L' });
}
