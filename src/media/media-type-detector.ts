// The one file that uses the `file-type` package: a file's media type from its content, for core's
// MediaTypeDetector.
import { fileTypeFromBuffer } from 'file-type';

/**
 * Registered names for the few types the library reports under another name or with parameters, so
 * that channels and media downloads see one plain type per format.
 */
const REGISTERED: Record<string, string> = { 'audio/x-m4a': 'audio/mp4' };

/** The media type of `bytes` ("application/vnd.openxmlformats-officedocument.wordprocessingml.document"), or undefined. */
export async function detectMediaType(bytes: Uint8Array): Promise<string | undefined> {
  const found = await fileTypeFromBuffer(bytes);
  if (!found) return undefined;
  const plain = found.mime.split(';')[0]!.trim();
  return REGISTERED[plain] ?? plain;
}
