// Sends stored media (pushed base64 uploads, media WhatsApp Web received) with headers that cannot fail
// or turn the gateway's origin into a web host: a checked type, nosniff, and a safe file name.
import type { FastifyReply } from 'fastify';
import { wellFormed } from '../core/index.js';

const MIME = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}$/;
/** Shown in the browser; anything else (HTML, SVG, scripts…) is downloaded, never rendered on our origin. */
const INLINE = /^(image\/(png|jpeg|gif|webp)|video\/[\w.+-]+|audio\/[\w.+-]+|application\/pdf)$/i;

export interface StoredMedia {
  mime: string;
  fileName: string;
  /** Absent only when the store was asked to leave the bytes out. */
  data?: Buffer | undefined;
}

/** `filename` in ASCII for old clients and `filename*` (RFC 6266/5987) for the name as written. */
function disposition(mime: string, fileName: string): string {
  const kind = INLINE.test(mime) ? 'inline' : 'attachment';
  if (!fileName) return kind;
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(wellFormed(fileName))}`;
}

export function sendMedia(reply: FastifyReply, media: StoredMedia, cacheControl?: string): FastifyReply {
  // Parameters (WhatsApp's voice notes are `audio/ogg; codecs=opus`) are dropped: the type is what matters.
  const type = media.mime.split(';')[0]!.trim();
  const mime = MIME.test(type) ? type : 'application/octet-stream';
  reply.type(mime).header('content-disposition', disposition(mime, media.fileName)).header('x-content-type-options', 'nosniff');
  if (cacheControl) reply.header('cache-control', cacheControl);
  return reply.send(media.data ?? Buffer.alloc(0));
}
