// A push ready to be written: validated, routed, priced. The store writes a batch of these at once.
import type { MessageDraft, PushUpload } from './push-request.js';

/** A resolved message with its price. */
export interface MessageToWrite extends MessageDraft {
  credit: number;
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
  | { outcome: 'duplicate'; response: string };

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
