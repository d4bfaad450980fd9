// The event webhook's delivery report (event_id 1) for one message state change, as documented.
import type { MessageState, OutboundMessage } from '../messages/message.js';

export const EVENT_DELIVERY_REPORT = 1;
export const EVENT_GROUP_MEMBERSHIP = 3;

/** Documented report statuses; other states (queued, sending, cancelled) are not reported. */
const REPORTED: Partial<Record<MessageState, string>> = { submitted: '4', delivered: '1', read: '3', failed: '2', refunded: '5' };

export function isReportedState(state: MessageState): boolean {
  return REPORTED[state] !== undefined;
}

export function deliveryReportItem(message: OutboundMessage, to: MessageState, error: string, at: number): Record<string, unknown> | undefined {
  const status = REPORTED[to];
  if (status === undefined) return undefined;
  return {
    push_id: String(message.pushId),
    msg_id: String(message.id),
    [message.application === 5 ? 'messenger_id' : 'number']: message.recipient,
    status,
    state: to,
    reference_number: message.referenceNumber,
    message: message.text,
    message_type: message.kind,
    media: message.mediaUrl,
    channel_id: String(message.channelId),
    error_message: to === 'failed' || to === 'refunded' ? error || message.lastError : '',
    // The vendor's reports carry these three. Switchboard has no team-inbox agents, and every message
    // comes from the push API (or an instant reply), so agent_id and source stay empty; template_id is
    // the template the push named, for the channels that send templates.
    agent_id: '',
    template_id: message.details.templateId ?? '',
    source: '',
    at,
  };
}

/** The event webhook's body: one event kind, several items of one project. */
export function eventBody(projectId: number, eventId: number, data: unknown[]): string {
  return JSON.stringify({ project_id: String(projectId), event_id: eventId, data });
}
