// Signs webhook bodies so receivers can check that a call came from this gateway and was not replayed
// long after: HMAC-SHA256 over "<timestamp>.<body>" with the project's webhook secret.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-switchboard-signature';
export const TIMESTAMP_HEADER = 'x-switchboard-timestamp';
export const EVENT_ID_HEADER = 'x-switchboard-event-id';

/** The signature header's value: `sha256=<hex>`. `timestamp` is Unix seconds, as sent in its own header. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Checks a signature the way a receiver should; the tests use it as the receiver. */
export function verifyWebhook(secret: string, timestamp: string, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, Number(timestamp), body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
