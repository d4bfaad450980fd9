// Media given with a push: base64 uploads (decoded and checked once per push) and the kind of a media
// item, from its bytes or its URL's extension.
import { createHash } from 'node:crypto';
import type { MessageKind } from '../messages/message.js';
import { invalidRequest } from '../status-codes.js';

export type MediaKind = Extract<MessageKind, 'image' | 'video' | 'audio' | 'document'>;

export interface UploadedMedia {
  bytes: Buffer;
  mime: string;
  kind: MediaKind;
  sha256: string;
}

export const MAX_MEDIA_BYTES = 50 * 1024 * 1024;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const DATA_URI = /^data:([\w.+-]+\/[\w.+-]+);base64,/;

const EXTENSIONS: Record<string, [MediaKind, string]> = {
  jpg: ['image', 'image/jpeg'], jpeg: ['image', 'image/jpeg'], png: ['image', 'image/png'], gif: ['image', 'image/gif'], webp: ['image', 'image/webp'],
  mp4: ['video', 'video/mp4'], '3gp': ['video', 'video/3gpp'], mov: ['video', 'video/quicktime'], mkv: ['video', 'video/x-matroska'], avi: ['video', 'video/x-msvideo'],
  mp3: ['audio', 'audio/mpeg'], ogg: ['audio', 'audio/ogg'], opus: ['audio', 'audio/ogg'], aac: ['audio', 'audio/aac'], amr: ['audio', 'audio/amr'], m4a: ['audio', 'audio/mp4'], wav: ['audio', 'audio/wav'],
  pdf: ['document', 'application/pdf'],
};

/** Magic numbers of the formats messaging channels take. */
function sniff(bytes: Buffer): [MediaKind, string] | undefined {
  const head = bytes.subarray(0, 12);
  if (head[0] === 0x89 && head.toString('latin1', 1, 4) === 'PNG') return ['image', 'image/png'];
  if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return ['image', 'image/jpeg'];
  if (head.toString('latin1', 0, 4) === 'GIF8') return ['image', 'image/gif'];
  if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') return ['image', 'image/webp'];
  if (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WAVE') return ['audio', 'audio/wav'];
  if (head.toString('latin1', 4, 8) === 'ftyp') return head.toString('latin1', 8, 11) === 'M4A' ? ['audio', 'audio/mp4'] : ['video', 'video/mp4'];
  if (head.toString('latin1', 0, 4) === 'OggS') return ['audio', 'audio/ogg'];
  if (head.toString('latin1', 0, 3) === 'ID3' || (head[0] === 0xff && ((head[1] ?? 0) & 0xe0) === 0xe0)) return ['audio', 'audio/mpeg'];
  if (head.toString('latin1', 0, 6) === '#!AMR\n') return ['audio', 'audio/amr'];
  if (head.toString('latin1', 0, 4) === '%PDF') return ['document', 'application/pdf'];
  return undefined;
}

function extensionOf(name: string): string {
  const match = /\.([A-Za-z0-9]{1,5})$/.exec(name);
  return match ? match[1]!.toLowerCase() : '';
}

/** The kind of media behind a URL, from the extension of its path (documents when unknown). */
export function mediaKindOfUrl(url: string): MediaKind {
  const path = new URL(url).pathname;
  return EXTENSIONS[extensionOf(path)]?.[0] ?? 'document';
}

/** Decodes base64 media (optionally a data: URI); 410 when it is not base64 or is too large. */
export function decodeMedia(text: string, field: string, fileName: string | undefined): UploadedMedia {
  let body = text.trim();
  let declaredMime: string | undefined;
  const uri = DATA_URI.exec(body);
  if (uri) {
    declaredMime = uri[1];
    body = body.slice(uri[0].length);
  }
  body = body.replace(/\s+/g, '');
  if (body.length === 0 || body.length % 4 !== 0 || !BASE64.test(body)) throw invalidRequest(`${field} is not valid base64`);
  const bytes = Buffer.from(body, 'base64');
  if (bytes.length > MAX_MEDIA_BYTES) throw invalidRequest(`${field} is larger than ${MAX_MEDIA_BYTES} bytes`);
  const [kind, mime] = sniff(bytes) ?? EXTENSIONS[extensionOf(fileName ?? '')] ?? ['document', declaredMime ?? 'application/octet-stream'];
  return { bytes, mime, kind, sha256: createHash('sha256').update(bytes).digest('hex') };
}
