// The global webhook's variables for one inbound message, named and shaped as documented, plus the
// custom variables written into the webhook URL's query string.
import type { InboundMessage } from '../inbound/inbound-message.js';
import { truncateText, wellFormed } from '../well-formed-text.js';

/** Phone automation passes the first 2 500 characters of a message on, as documented. */
export const MAX_WEBHOOK_TEXT = 2500;

export function inboundVariables(message: InboundMessage, webhookUrl: string): Record<string, unknown> {
  const text = wellFormed(truncateText(message.text, MAX_WEBHOOK_TEXT));
  const { details } = message;
  // In groups the documented `number` is "Group Name @Sender".
  const number = details.groupId ? `${details.groupName ?? details.groupId} @${message.senderName || message.sender}` : message.sender;
  const documented: Record<string, unknown> = {
    number,
    // Messenger (application 5) names its senders by page-scoped id, as `messenger_id`.
    ...(message.application === 5 ? { messenger_id: message.sender } : {}),
    name: message.senderName,
    'message-in': encodeURIComponent(text),
    message_in_raw: text,
    application: message.application,
    type: message.type,
    'media-url': message.mediaUrl,
    'unique-id': message.id,
    'project-id': String(message.projectId),
    direction: details.isEcho ? 1 : 0,
    'group-id': details.groupId ?? '',
    'group-mentions': details.mentions ?? [],
    // Ours: `number` names the group, so a reply to the sender alone needs their number.
    ...(details.groupId ? { 'group-sender': message.sender } : {}),
    'context-msg-id': message.contextMessageId === null ? '' : String(message.contextMessageId),
    payload: details.payload ?? '',
    ...(details.interactive ? { interactive: details.interactive } : {}),
    ...(details.contacts ? { contact: details.contacts } : {}),
    ...(details.call ? { 'call-status': details.call.isMissed ? 'missed' : 'answered', 'call-duration': details.call.duration } : {}),
    ...(details.location ? { Location: { name: '', address: '', url: '', ...details.location } } : {}),
  };
  // Custom variables come first so that a query parameter can never hide a documented variable.
  return { ...customVariables(webhookUrl), ...documented };
}

/** `https://x/hook?a=1&b=2` → { a: '1', b: '2' }. */
export function customVariables(webhookUrl: string): Record<string, string> {
  try {
    return Object.fromEntries(new URL(webhookUrl).searchParams);
  } catch {
    return {};
  }
}
