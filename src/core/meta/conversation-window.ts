// Meta's customer-service window: a business may send free-form messages to a person for 24 hours after
// that person's latest message; outside it only templates (WhatsApp) or tagged messages (Messenger).

export const CUSTOMER_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * Open, closed, or unknown: the gateway knows a window only from messages it received itself. A contact
 * never heard from is `unknown` (they may have written before the channel was linked): Graph decides.
 */
export function windowState(lastInboundAt: number | undefined, now: number): 'open' | 'closed' | 'unknown' {
  if (lastInboundAt === undefined) return 'unknown';
  return now - lastInboundAt < CUSTOMER_WINDOW_MS ? 'open' : 'closed';
}
