// For webhook receivers: checks that a call came from the gateway (HMAC-SHA256 of "<timestamp>.<raw body>"
// with the project's webhook secret, as docs/webhooks.md describes) and is recent, and parses its payload.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { EventWebhook, InboundWebhook } from './generated-types.js';

export const WEBHOOK_HEADERS = {
  signature: 'x-switchboard-signature',
  timestamp: 'x-switchboard-timestamp',
  eventId: 'x-switchboard-event-id',
  attempt: 'x-switchboard-attempt',
} as const;

type Headers = Record<string, string | string[] | undefined> | { get(name: string): string | null };

function header(headers: Headers, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? value[0] : value;
}

export interface VerifyOptions {
  /** Oldest timestamp accepted, in seconds from now (300 unless given): stops replays of old calls. */
  toleranceSeconds?: number;
  /** Now, in milliseconds (tests). */
  now?: number;
}

/**
 * Whether `rawBody` (exactly as received, before any parsing) was signed with `secret` by the gateway
 * within the tolerance. Compares in constant time.
 */
export function verifyWebhookSignature(secret: string, headers: Headers, rawBody: string | Buffer, options: VerifyOptions = {}): boolean {
  const timestamp = header(headers, WEBHOOK_HEADERS.timestamp);
  const signature = header(headers, WEBHOOK_HEADERS.signature);
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  const now = options.now ?? Date.now();
  if (Math.abs(now / 1000 - Number(timestamp)) > (options.toleranceSeconds ?? 300)) return false;
  const body = typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8');
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`);
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

export class WebhookSignatureError extends Error {
  constructor() {
    super('webhook signature missing, wrong or too old');
    this.name = 'WebhookSignatureError';
  }
}

/** Verifies, then parses a JSON webhook body (webhook_format 1); throws WebhookSignatureError when it fails. */
export function parseWebhook<T extends InboundWebhook | EventWebhook>(secret: string, headers: Headers, rawBody: string | Buffer, options?: VerifyOptions): T {
  if (!verifyWebhookSignature(secret, headers, rawBody, options)) throw new WebhookSignatureError();
  return JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8')) as T;
}
