// Reads a global webhook's answer as an instant reply: a JSON object with `message-out` and/or
// `media-url` (and optionally `delay` seconds, at most 3600, and `application`, 0 = the inbound one).
import type { InstantReply } from './webhook-delivery.js';

export const MAX_REPLY_DELAY_SECONDS = 3600;

/** The reply the body asks for, or null: a body that is empty, not JSON, or asks for nothing sends nothing. */
export function parseInstantReply(body: string): InstantReply | null {
  // Most receivers answer "ok" or HTML: not worth an exception from JSON.parse.
  if (!body.trimStart().startsWith('{')) return null;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const fields = value as Record<string, unknown>;
  // A NUL from the receiver is dropped (the reply's text could not be stored with it).
  const text = typeof fields['message-out'] === 'string' ? fields['message-out'].replaceAll('\u0000', '') : '';
  const mediaUrl = typeof fields['media-url'] === 'string' ? fields['media-url'].replaceAll('\u0000', '').trim() : '';
  if (text.trim() === '' && mediaUrl === '') return null;
  const delay = Number(fields.delay ?? 0);
  const application = Number(fields.application ?? 0);
  return {
    text,
    mediaUrl,
    // A delay beyond the documented maximum is held to it; a nonsense one means no delay.
    delaySeconds: Number.isFinite(delay) && delay > 0 ? Math.min(Math.floor(delay), MAX_REPLY_DELAY_SECONDS) : 0,
    application: Number.isInteger(application) && application > 0 ? application : 0,
  };
}
