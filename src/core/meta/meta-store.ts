// What Meta channels keep in the database: accounts and credentials, the webhook inbox (events stored
// before they are processed, deduplicated by key), the Graph ids of sent messages, the last message of
// each contact (the 24-hour window), templates, and received media.
import type { MetaAccount } from './meta-account.js';
import type { MetaTemplate, NewMetaTemplate, TemplateChanges } from './meta-template.js';

export interface NewInboxEvent {
  channelId: number;
  /** Unique per channel: Meta's retries of one event share it, so it is stored once. */
  eventKey: string;
  kind: InboxKind;
  payload: string;
}

export type InboxKind = 'wa_message' | 'wa_status' | 'wa_template' | 'fb_message' | 'fb_delivery' | 'fb_read' | 'fb_postback';

export interface InboxEvent extends NewInboxEvent {
  id: number;
  attempts: number;
  createdAt: number;
}

/** The Graph id a message of ours was accepted under. */
export interface MetaSent {
  messageId: number;
  channelId: number;
  externalId: string;
  recipient: string;
  sentAt: number;
}

export interface MetaMedia {
  id: string;
  channelId: number;
  mime: string;
  data: Buffer;
  createdAt: number;
}

export interface MetaStore {
  putAccount(account: MetaAccount, at: number): Promise<void>;
  findAccount(channelId: number): Promise<MetaAccount | undefined>;
  /** Accounts of a phone_number_id or Page id (several projects may link the same one). */
  findAccountsByExternalId(externalId: string): Promise<MetaAccount[]>;
  findAccountsByWabaId(wabaId: string): Promise<MetaAccount[]>;
  findAccountsByVerifyTokenHash(hash: string): Promise<MetaAccount[]>;
  listAccounts(): Promise<MetaAccount[]>;
  deleteAccount(channelId: number): Promise<void>;

  /** Stores the events not already stored (same channel and key); answers how many were new. */
  addInbox(events: readonly NewInboxEvent[], at: number): Promise<number>;
  /** Pending events due now, oldest first, held until `claimedUntil` and counted as an attempt. */
  claimInbox(now: number, claimedUntil: number, limit: number): Promise<InboxEvent[]>;
  finishInbox(id: number, at: number): Promise<void>;
  /** Records a failed attempt: due again at `retryAt`, or given up (`null`). */
  failInbox(id: number, error: string, retryAt: number | null, at: number): Promise<void>;
  countPendingInbox(): Promise<number>;
  /** Makes claimed events due now (a single node's restart: the process that held them is gone). */
  releaseInboxClaims(now: number): Promise<number>;

  /** Messages of these channels left `sending` since before `before` (a node stopped mid-send). */
  listStaleSending(channelIds: readonly number[], before: number, limit: number): Promise<number[]>;

  recordSent(sent: MetaSent): Promise<void>;
  findSentByExternalId(channelId: number, externalId: string): Promise<MetaSent | undefined>;
  findSentByMessageId(messageId: number): Promise<MetaSent | undefined>;
  /** Messages sent to a contact at or before `upTo`, newest first (Messenger's watermark receipts). */
  listSentTo(channelId: number, recipient: string, upTo: number, limit: number): Promise<MetaSent[]>;

  /** Remembers the time of a contact's latest message (the customer-service window). */
  touchContact(channelId: number, contact: string, at: number): Promise<void>;
  lastInboundAt(channelId: number, contact: string): Promise<number | undefined>;

  createTemplate(template: NewMetaTemplate, at: number): Promise<MetaTemplate>;
  updateTemplate(id: number, changes: TemplateChanges, at: number): Promise<void>;
  /** Rows of one Picky template id (one per language), within a project. */
  findTemplates(projectId: number, templateId: string): Promise<MetaTemplate[]>;
  findTemplateByGraphId(channelId: number, graphId: string): Promise<MetaTemplate | undefined>;
  findTemplateByName(channelId: number, name: string, language: string): Promise<MetaTemplate | undefined>;
  listTemplates(projectId: number): Promise<MetaTemplate[]>;

  putMedia(media: MetaMedia): Promise<void>;
  findMedia(id: string): Promise<MetaMedia | undefined>;
}
