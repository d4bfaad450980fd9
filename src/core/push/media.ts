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

/**
 * Finds a file's type from its content (magic numbers, and inside containers: docx and xlsx are zip
 * files, webm is Matroska); undefined when no known format matches. A maintained library does it
 * (media/media-type-detector.ts), injected here because core imports none.
 */
export type MediaTypeDetector = (bytes: Uint8Array) => Promise<string | undefined>;

/** Types messaging channels show inline as pictures; any other image travels as a document. */
const INLINE_IMAGES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);

function kindOfMime(mime: string): MediaKind {
  if (INLINE_IMAGES.has(mime)) return 'image';
  if (mime.startsWith('video/')) return 'video';
  if (mime.startsWith('audio/')) return 'audio';
  return 'document';
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

/** Base64 media decoded and checked, its type not yet known. */
export interface DecodedMedia {
  bytes: Buffer;
  /** The type a `data:` URI declared, if any. */
  declaredMime: string | undefined;
  sha256: string;
}

/** Decodes base64 media (optionally a data: URI); 410 when it is not base64 or is too large. */
export function decodeMedia(text: string, field: string, maxBytes = MAX_MEDIA_BYTES): DecodedMedia {
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
  if (bytes.length > maxBytes) throw invalidRequest(`${field} is larger than ${maxBytes} bytes`);
  return { bytes, declaredMime, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/**
 * The type and kind of decoded media: from its content first; then, for content no detector knows (plain
 * text formats), from the file name's extension, then from what a data: URI declared.
 */
export async function classifyMedia(media: DecodedMedia, fileName: string | undefined, detect: MediaTypeDetector): Promise<UploadedMedia> {
  const { bytes, sha256 } = media;
  const detected = await detect(bytes);
  if (detected) return { bytes, sha256, mime: detected, kind: kindOfMime(detected) };
  const byName = EXTENSIONS[extensionOf(fileName ?? '')];
  if (byName) return { bytes, sha256, mime: byName[1], kind: byName[0] };
  // What the client declared is its word, not the content's: it names the type, never an inline kind.
  return { bytes, sha256, mime: media.declaredMime ?? 'application/octet-stream', kind: 'document' };
}
