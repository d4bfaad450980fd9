// The JSON of the SMS Gateway for Android app's mobile API, both ways: a held message in the shape the
// app reads from `GET /message`, and the checks of what it sends (`PATCH /message`, its webhook posts).
// Field names and state names are the app's own (camelCase, `Pending` … `Failed`).
import type { OutboundMessage } from '../core/index.js';

export const APP_STATES = ['Pending', 'Processed', 'Sent', 'Delivered', 'Failed', 'Cancelling', 'Cancelled'] as const;
export type AppState = (typeof APP_STATES)[number];

/** What one state report asks of our message: nothing yet, "the phone has it", or a state move. */
export type AppStateEffect = { kind: 'none' } | { kind: 'taken' } | { kind: 'move'; to: 'submitted' | 'delivered' | 'failed' | 'cancelled'; error: string };

export interface AppStateReport {
  /** The id the app echoes: ours, as a decimal string. */
  id: string;
  state: AppState;
  /** The recipient's own state and error, when the app sent them (our messages have one recipient). */
  recipientState: AppState | undefined;
  error: string;
}

export interface AppInboundSms {
  externalId: string;
  sender: string;
  text: string;
  receivedAt: number;
}

/** `push` may choose the SIM of an app phone through `action`: `sim1`, `sim2` or `sim3`. */
export function simNumberOf(message: OutboundMessage): number | undefined {
  const match = /^sim([1-3])$/i.exec(message.details.action ?? '');
  return match ? Number(match[1]) : undefined;
}

/**
 * A held message as the app reads it. Older apps read `message`, newer ones `textMessage.text`: both are
 * sent. Numbers go out with `+`: the app hands them to Android as they are, and a number without it
 * would be dialled as a national one.
 */
export function appMessage(message: OutboundMessage, text: string): Record<string, unknown> {
  const sim = simNumberOf(message);
  return {
    id: String(message.id),
    message: text,
    textMessage: { text },
    phoneNumbers: [`+${message.recipient}`],
    ...(sim !== undefined && { simNumber: sim }),
    withDeliveryReport: true,
    isEncrypted: false,
    priority: message.priority > 0 ? 1 : 0,
    state: 'Pending',
    createdAt: new Date(message.createdAt).toISOString(),
  };
}

function isAppState(value: unknown): value is AppState {
  return typeof value === 'string' && (APP_STATES as readonly string[]).includes(value);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a `PATCH /message` body whole (the app sends a list); answers the reports or what is wrong. */
export function parseStateReports(body: unknown): { reports: AppStateReport[] } | { problem: string } {
  if (!Array.isArray(body)) return { problem: 'the body must be a JSON array of message states' };
  if (body.length > 1000) return { problem: 'at most 1000 message states per request' };
  const reports: AppStateReport[] = [];
  for (const [index, item] of body.entries()) {
    if (!isRecord(item)) return { problem: `[${index}] must be an object` };
    const { id, state, recipients } = item;
    if (typeof id !== 'string' || id.length === 0 || id.length > 36) return { problem: `[${index}].id must be a string of 1 to 36 characters` };
    if (!isAppState(state)) return { problem: `[${index}].state must be one of ${APP_STATES.join(', ')}` };
    if (!Array.isArray(recipients) || recipients.length === 0) return { problem: `[${index}].recipients must be a non-empty array` };
    const first: unknown = recipients[0];
    if (!isRecord(first) || typeof first.phoneNumber !== 'string' || !isAppState(first.state)) return { problem: `[${index}].recipients[0] needs phoneNumber and state` };
    const error = typeof first.error === 'string' ? first.error.slice(0, 256) : '';
    reports.push({ id, state, recipientState: first.state, error });
  }
  return { reports };
}

/** What a report does to our message; the recipient's state wins over the message's (they agree for one recipient). */
export function stateEffect(report: AppStateReport): AppStateEffect {
  switch (report.recipientState ?? report.state) {
    case 'Pending':
    case 'Cancelling':
      return { kind: 'none' };
    case 'Processed':
      return { kind: 'taken' };
    case 'Sent':
      return { kind: 'move', to: 'submitted', error: '' };
    case 'Delivered':
      return { kind: 'move', to: 'delivered', error: '' };
    case 'Failed':
      return { kind: 'move', to: 'failed', error: report.error || 'failed on the phone' };
    case 'Cancelled':
      return { kind: 'move', to: 'cancelled', error: 'cancelled on the phone' };
  }
}

/** `+1 (555) 123-4567` → `15551234567`; an alphanumeric sender (a bank, a service) is kept as it is. */
function senderNumber(phoneNumber: string): string {
  const digits = phoneNumber.replace(/[\s()+-]/g, '');
  return /^\d+$/.test(digits) ? digits : phoneNumber.trim();
}

/**
 * Checks a webhook post of the app (`{id, webhookId, event, deviceId, payload}`). Answers the received
 * SMS for `sms:received`, `ignored` for the other events, or what is wrong.
 */
export function parseAppWebhook(body: unknown, now: number): { sms: AppInboundSms } | { ignored: string } | { problem: string } {
  if (!isRecord(body) || typeof body.event !== 'string') return { problem: 'the body must be an object with an event' };
  if (body.event !== 'sms:received') return { ignored: body.event };
  const payload = body.payload;
  if (!isRecord(payload)) return { problem: 'payload must be an object' };
  const { phoneNumber, message, receivedAt, messageId } = payload;
  if (typeof phoneNumber !== 'string' || phoneNumber.trim() === '' || phoneNumber.length > 64) return { problem: 'payload.phoneNumber must be a string of 1 to 64 characters' };
  if (typeof message !== 'string' || message.length > 65_535) return { problem: 'payload.message must be a string of at most 65535 characters' };
  const at = typeof receivedAt === 'string' ? Date.parse(receivedAt) : Number.NaN;
  // The app's id of the received SMS (payload.messageId), else the event's own id: a repeated post of
  // the same SMS (the app retries until it gets a 2xx) is stored once.
  const externalId = typeof messageId === 'string' && messageId !== '' ? messageId : typeof body.id === 'string' ? body.id : '';
  if (externalId === '' || externalId.length > 128) return { problem: 'payload.messageId (or id) must be a string of 1 to 128 characters' };
  return { sms: { externalId: `sms:${externalId}`, sender: senderNumber(phoneNumber), text: message, receivedAt: Number.isFinite(at) ? at : now } };
}
