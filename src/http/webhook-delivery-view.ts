// One webhook delivery as the log shows it, for the PM API and the CLI (which loads no HTTP server for it).
import type { WebhookDelivery } from '../core/index.js';

const iso = (at: number | null) => (at === null ? '' : new Date(at).toISOString());

/** One delivery as the log shows it (the payload as the receiver gets it in JSON). */
export function deliveryView(delivery: WebhookDelivery): Record<string, unknown> {
  return {
    delivery_id: String(delivery.id),
    event_id: delivery.eventId,
    kind: delivery.kind,
    url: delivery.url,
    state: delivery.state,
    attempts: delivery.attempts,
    next_attempt_at: delivery.state === 'pending' ? iso(delivery.nextAttemptAt) : '',
    last_error: delivery.lastError,
    response_code: delivery.responseCode,
    latency_ms: delivery.latencyMs,
    created_at: iso(delivery.createdAt),
    delivered_at: iso(delivery.deliveredAt),
    reply_state: delivery.replyState,
    reply_push_id: delivery.replyPushId,
    reply_error: delivery.replyError,
    payload: JSON.parse(delivery.payload) as unknown,
  };
}
