// What Switchboard does with each error Meta's Graph API answers a send with: retry later (rate limits,
// Meta unavailable), or fail the message (refunded, since it never left), with a stable reason text
// (`meta <code>: …`) that delivery reports carry and docs/meta-channels.md lists.

export type GraphFailureKind = 'rate_limited' | 'unavailable' | 'window_closed' | 'token_invalid' | 'undeliverable' | 'rejected';

export interface GraphFailure {
  kind: GraphFailureKind;
  isRetryable: boolean;
  reason: string;
}

const RATE_LIMIT_CODES = new Set([4, 17, 32, 613, 80007, 130429, 131056]);
const TOKEN_CODES = new Set([102, 190, 463, 467]);
const UNDELIVERABLE_CODES = new Set([551, 131026, 131030, 131049]);
const UNAVAILABLE_CODES = new Set([1, 2, 131000, 131016]);

/** Messenger answers code 10, subcode 2018278 when a message is sent outside the window. */
const MESSENGER_WINDOW_SUBCODE = 2018278;

export function classifyGraphError(error: { code: number; subcode: number; httpStatus: number; message: string }): GraphFailure {
  const { code, subcode, httpStatus, message } = error;
  const tag = code === 0 ? `meta unreachable` : `meta ${code}`;
  const text = `${tag}: ${message}`;
  if (code === 0) return { kind: 'unavailable', isRetryable: httpStatus === 0 || httpStatus >= 500 || httpStatus === 429, reason: text };
  if (RATE_LIMIT_CODES.has(code)) return { kind: 'rate_limited', isRetryable: true, reason: `${text} (rate limit: retried later)` };
  if (code === 131047 || (code === 10 && subcode === MESSENGER_WINDOW_SUBCODE)) {
    return { kind: 'window_closed', isRetryable: false, reason: `${text} (more than 24 hours since the customer's last message: only templates may be sent)` };
  }
  if (TOKEN_CODES.has(code)) return { kind: 'token_invalid', isRetryable: false, reason: `${text} (the channel's access_token is expired or revoked: update it)` };
  if (UNDELIVERABLE_CODES.has(code)) return { kind: 'undeliverable', isRetryable: false, reason: `${text} (the recipient cannot receive this message)` };
  if (UNAVAILABLE_CODES.has(code) || httpStatus >= 500) return { kind: 'unavailable', isRetryable: true, reason: text };
  return { kind: 'rejected', isRetryable: false, reason: text };
}
