// A push ready to be written: validated, routed, priced. The store writes a batch of these at once.
import type { OutboundMessage } from '../messages/message.js';
import type { MessageDraft, PushUpload } from './push-request.js';

/** A resolved message with its price. */
export interface MessageToWrite extends MessageDraft {
  credit: number;
  /** Set when a connected device takes the message at once: it is written `sending`, held by that device. */
  deviceId?: number;
}

export interface PushDraft {
  accountId: number;
  projectId: number;
  channelId: number;
  application: number;
  priority: number;
  messageType: number;
  messages: MessageToWrite[];
  uploads: PushUpload[];
  totalCredit: number;
  idempotencyKey: string | undefined;
  createdAt: number;
  /** The answer to store with the idempotency key, built once the ids are known. */
  render(pushId: number, messageIds: number[]): string;
}

export type PushWriteResult =
  | { outcome: 'written'; pushId: number; messageIds: number[]; response: string }
  | { outcome: 'insufficient' }
  /** The project was deleted after the push was authenticated and before its batch was written. */
  | { outcome: 'project_deleted' }
  | { outcome: 'duplicate'; response: string };

/** Message `index` of a written push, as the store wrote it (not for messages with uploaded media). */
export function writtenMessage(draft: PushDraft, written: Extract<PushWriteResult, { outcome: 'written' }>, index: number): OutboundMessage {
  const message = draft.messages[index]!;
  const isHandedOver = message.deviceId !== undefined;
  return {
    id: written.messageIds[index]!,
    pushId: written.pushId,
    projectId: draft.projectId,
    channelId: draft.channelId,
    application: draft.application,
    priority: draft.priority,
    recipient: message.recipient,
    kind: message.kind,
    text: message.text,
    mediaUrl: message.mediaUrl,
    mediaId: null,
    details: message.details,
    referenceNumber: message.referenceNumber,
    quoted: message.quoted,
    credit: message.credit,
    state: isHandedOver ? 'sending' : 'queued',
    attempts: isHandedOver ? 1 : 0,
    lastError: '',
    deviceId: message.deviceId ?? null,
    createdAt: draft.createdAt,
  };
}

/**
 * Hands messages of a push straight to a device that can take them now, instead of through the queue:
 * `book` runs before the push is written and marks the messages it booked (`deviceId`); the function it
 * answers runs once the write is done (or failed: undefined) and sends them, or gives the bookings back.
 */
export interface DirectHandOver {
  book(draft: PushDraft): ((result: PushWriteResult | undefined) => void) | undefined;
}

export interface PushRecord {
  id: number;
  projectId: number;
  channelId: number;
  application: number;
  priority: number;
  messageType: number;
  messageCount: number;
  totalCredit: number;
  createdAt: number;
}

export interface PushMedia {
  id: number;
  pushId: number;
  mime: string;
  kind: string;
  fileName: string;
  sha256: string;
  size: number;
  data: Buffer | undefined;
}
