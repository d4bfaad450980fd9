// The storage the domain needs, as interfaces; `storage/` implements them over SQLite and PostgreSQL.
import type { Account, LedgerEntry, NewLedgerEntry } from './account.js';
import type { CallStatus, Conference, ConferenceDraft, MemberCall } from './calls/conference.js';
import type { ChannelRecord } from './channels/channel.js';
import type { Device, DeviceHello, DeviceStatus, QueueKind } from './devices/device.js';
import type { InboundMessage, NewInboundMessage } from './inbound/inbound-message.js';
import type { DeliveryState, InstantReply, NewWebhookDelivery, ReplyState, WebhookDelivery, WebhookLanes } from './webhooks/webhook-delivery.js';
import type { MessageEvent, MessageState, OutboundMessage } from './messages/message.js';
import type { ApiToken, ApiTokenStatus, NewApiToken, NewProject, Project, ProjectChanges } from './project.js';
import type { PushDraft, PushMedia, PushRecord, PushWriteResult } from './push/push-draft.js';
import type { WhatsAppWebStore } from './whatsapp-web/web-store.js';
import type { MetaStore } from './meta/meta-store.js';

export interface AccountStore {
  /** The gateway's account (there is one per installation), if it has been created. */
  find(): Promise<Account | undefined>;
  /** Creates the account unless another process did first; answers whether this call created it. */
  create(masterTokenHash: string, at: number): Promise<boolean>;
  setMasterTokenHash(hash: string, at: number): Promise<void>;
}

export interface WalletStore {
  balance(accountId: number): Promise<number>;
  /**
   * Adds `entry.amount` (signed) to the balance and appends the ledger entry, unless that would take
   * the balance below zero; answers the new balance, or undefined when refused. Must be atomic.
   */
  apply(entry: NewLedgerEntry): Promise<number | undefined>;
  entries(accountId: number, limit: number): Promise<LedgerEntry[]>;
}

export interface ProjectStore {
  create(project: NewProject, at: number): Promise<Project>;
  findById(id: number): Promise<Project | undefined>;
  findByLicenseKey(licenseKey: string): Promise<Project | undefined>;
  list(accountId: number): Promise<Project[]>;
  update(id: number, changes: ProjectChanges, at: number): Promise<Project | undefined>;
  /** Active projects whose paid period ended at or before `at`. */
  listDueForRenewal(at: number): Promise<Project[]>;
}

export interface ApiTokenStore {
  create(token: NewApiToken, at: number): Promise<ApiToken>;
  findByHash(tokenHash: string): Promise<ApiToken | undefined>;
  findById(id: number): Promise<ApiToken | undefined>;
  listByProject(projectId: number): Promise<ApiToken[]>;
  setStatus(id: number, status: ApiTokenStatus, at: number): Promise<void>;
}

export interface ChannelStore {
  create(channel: Omit<ChannelRecord, 'id' | 'createdAt'>, at: number): Promise<ChannelRecord>;
  findById(id: number): Promise<ChannelRecord | undefined>;
  listByProject(projectId: number): Promise<ChannelRecord[]>;
  update(id: number, changes: Partial<Pick<ChannelRecord, 'name' | 'settings' | 'status'>>, at: number): Promise<void>;
}

export interface PushStore {
  /**
   * Writes each push with its messages, uploads, wallet debit and idempotency key, in order, in one
   * transaction: a push the balance cannot pay is refused (`insufficient`) and the rest still land; a
   * push whose idempotency key is already taken answers the stored response (`duplicate`).
   */
  writeBatch(drafts: PushDraft[], idempotencyCutoff: number): Promise<PushWriteResult[]>;
  findIdempotentResponse(projectId: number, key: string, cutoff: number): Promise<string | undefined>;
  deleteIdempotencyKeysBefore(cutoff: number): Promise<number>;
  findById(pushId: number): Promise<PushRecord | undefined>;
  /** An uploaded media item; `withData` false leaves the bytes out. */
  findMedia(mediaId: number, withData: boolean): Promise<PushMedia | undefined>;
}

/** What the dispatcher needs of a queued message to choose its device. */
export interface QueuedHead {
  id: number;
  recipient: string;
  application: number;
  priority: number;
}

/** One change of state, applied to every listed message still in `from`. */
export interface StateUpdate {
  messageIds: number[];
  from: MessageState;
  to: MessageState;
  at: number;
  /** Replaces last_error when not empty. */
  error: string;
  /** Sets the device the messages were handed to, when given. */
  deviceId?: number | undefined;
  /** Counts one more send attempt. */
  isAttempt: boolean;
}

export interface MessageSearch {
  projectId: number;
  pushId?: number | undefined;
  recipient?: string | undefined;
  state?: MessageState | undefined;
  /** Created at or after / before (ms since the epoch). */
  from?: number | undefined;
  until?: number | undefined;
  beforeId?: number | undefined;
  limit: number;
}

export interface MessageStore {
  findById(id: number): Promise<OutboundMessage | undefined>;
  findByIds(ids: readonly number[]): Promise<OutboundMessage[]>;
  listByPush(pushId: number): Promise<OutboundMessage[]>;
  /** The next queued messages of a channel: high priority first, then oldest first. */
  nextQueued(channelId: number, limit: number): Promise<OutboundMessage[]>;
  /** The same across several channels (a project's phone channels). */
  nextQueuedForChannels(channelIds: readonly number[], limit: number): Promise<OutboundMessage[]>;
  /** The head of the queue across channels, reading only what choosing a device needs. */
  peekQueued(channelIds: readonly number[], limit: number): Promise<QueuedHead[]>;
  countQueued(channelId: number): Promise<number>;
  /** Queued messages by project and application, read through the partial queue index (metrics). */
  queueDepth(): Promise<{ projectId: number; application: number; count: number }[]>;
  /** Messages queued or handed to a device but not yet sent, across channels. */
  countPending(channelIds: readonly number[]): Promise<number>;
  /** Messages handed to a device that has not reported them sent. */
  listSendingForDevice(deviceId: number): Promise<OutboundMessage[]>;
  /** Applies the update; answers how many messages it moved. */
  updateStates(update: StateUpdate): Promise<number>;
  insertEvents(events: readonly MessageEvent[]): Promise<void>;
  timeline(messageId: number): Promise<MessageEvent[]>;
  /** A project's messages, newest first, narrowed by what the console's search form gives. */
  search(filter: MessageSearch): Promise<OutboundMessage[]>;
}

export interface DeviceStore {
  /** Registers a device at its first hello, or refreshes what it declares (and its token). */
  upsert(hello: DeviceHello, tokenHash: string, nodeId: string, at: number): Promise<Device>;
  findById(id: number): Promise<Device | undefined>;
  findByTokenHash(tokenHash: string): Promise<Device | undefined>;
  listByProject(projectId: number): Promise<Device[]>;
  setOnline(id: number, isOnline: boolean, nodeId: string, at: number): Promise<void>;
  /** Marks offline every device a node held (the node restarted, or died). */
  setOfflineForNode(nodeId: string, at: number): Promise<number>;
  setStatus(id: number, status: DeviceStatus, at: number): Promise<void>;
  touch(id: number, at: number): Promise<void>;
  setPaused(id: number, queue: QueueKind, isPaused: boolean, at: number): Promise<void>;
  /** Online devices not heard from since `before`. */
  listSilentSince(before: number): Promise<Device[]>;
  /** Offline devices last heard from before `before` that still hold messages in `sending`. */
  listOfflineHoldingMessages(before: number): Promise<Device[]>;
}

export interface InboundStore {
  insert(message: NewInboundMessage & { contextMessageId: number | null }, at: number): Promise<{ message: InboundMessage; isNew: boolean }>;
  listByProject(projectId: number, limit: number): Promise<InboundMessage[]>;
  findById(id: number): Promise<InboundMessage | undefined>;
  /** The message a device (0: a server-side channel) stored under its own id, if any. */
  findByExternalId(deviceId: number, externalId: string): Promise<InboundMessage | undefined>;
}

/** What one attempt changes on its delivery (the instant reply is set apart, once). */
export interface AttemptRecord {
  state: DeliveryState;
  nextAttemptAt: number;
  lastError: string;
  responseCode: number | null;
  latencyMs: number | null;
  deliveredAt: number | null;
}

export interface WebhookStore {
  /** Answers the new id, or undefined when a delivery with this event id exists (an event reported twice). */
  insert(delivery: NewWebhookDelivery, at: number, claimedUntil?: number): Promise<number | undefined>;
  addEventItems(items: { projectId: number; item: string }[], at: number): Promise<void>;
  /** Projects with report items waiting to be batched: how many, and since when. */
  eventBacklog(): Promise<{ projectId: number; count: number; oldestAt: number }[]>;
  /** When the longest-waiting pending delivery due by `now` fell due (metrics: the backlog's age). */
  oldestDueAt(now: number): Promise<number | undefined>;
  /** Removes and answers up to `limit` items of a project, oldest first; concurrent takers never share one. */
  takeEventItems(projectId: number, limit: number): Promise<string[]>;
  /**
   * Due pending deliveries, oldest due first, held until `claimedUntil` and counted as an attempt: only
   * those of `lanes.only`, or none of `lanes.except` (see WebhookLanes).
   */
  claimDue(now: number, claimedUntil: number, limit: number, lanes?: WebhookLanes): Promise<WebhookDelivery[]>;
  /** Makes claimed deliveries that were never sent due now again, their claim's attempt not counted. */
  releaseClaimed(ids: number[], now: number): Promise<void>;
  recordAttempt(id: number, record: AttemptRecord, at: number): Promise<void>;
  /** Sets the instant reply unless the delivery already has one (a retried delivery never replies twice). */
  setReplyOnce(id: number, reply: InstantReply, dueAt: number, at: number): Promise<boolean>;
  /** Instant replies due, held until `claimedUntil`. */
  claimDueReplies(now: number, claimedUntil: number, limit: number): Promise<WebhookDelivery[]>;
  settleReply(id: number, state: ReplyState, pushId: string, error: string, dueAt: number | null, at: number): Promise<void>;
  /** Makes deliveries held by a worker due now (a single node's restart: its workers are gone). */
  releaseClaims(now: number): Promise<number>;
  findById(id: number): Promise<WebhookDelivery | undefined>;
  /** Newest first, before `beforeId` when given. */
  listByProject(projectId: number, limit: number, beforeId?: number): Promise<WebhookDelivery[]>;
  /** Sends a delivery again from now, with a fresh retry schedule; its event id stays the same. */
  replay(id: number, now: number): Promise<void>;
}

// Call conferences (migration 0005).
export interface CallStore {
  /** Writes the conference with its push row and member calls (status 1), in the caller's transaction. */
  create(draft: ConferenceDraft): Promise<{ conference: Conference; calls: MemberCall[] }>;
  findConference(id: number): Promise<Conference | undefined>;
  /**
   * The conference, its row locked until the transaction ends: two reports (or a report and the
   * timeout) finishing its last calls side by side must see each other's writes to end it.
   */
  findConferenceForUpdate(id: number): Promise<Conference | undefined>;
  listCalls(conferenceId: number): Promise<MemberCall[]>;
  findCall(callId: number): Promise<MemberCall | undefined>;
  /** The project's call queue: high priority first, then oldest. */
  nextQueued(projectId: number, limit: number): Promise<Conference[]>;
  /** Hands a queued conference to a device (dialing; members scheduled); false when another claim won. */
  claim(conferenceId: number, deviceId: number, at: number): Promise<boolean>;
  listDialingForDevice(deviceId: number): Promise<Conference[]>;
  /** Applies a change to a call still in the status it was read with; undefined when it moved meanwhile. */
  moveCall(call: MemberCall, to: { status: CallStatus; duration: number; reason: string }, at: number): Promise<MemberCall | undefined>;
  /** Marks a dialing conference done when none of its calls is open; answers it when this call did. */
  finishIfDone(conferenceId: number, at: number): Promise<Conference | undefined>;
  /** Cancels the project's queued conferences; answers them. */
  cancelQueued(projectId: number, at: number, error: string): Promise<Conference[]>;
  /** Ends a dialing conference at once (device reset); answers it when this call did. */
  cancelDialing(conferenceId: number, at: number, error: string): Promise<Conference | undefined>;
  /** Calls not yet completed or cancelled, of these conferences. */
  listOpenCalls(conferenceIds: readonly number[]): Promise<MemberCall[]>;
  /** Calls at `status` (scheduled: ringing; in progress) in conferences handed to a device before `cutoff`. */
  listOpenSince(status: CallStatus, cutoff: number, limit: number): Promise<MemberCall[]>;
  /** Conferences queued or dialing. */
  countPending(projectId: number): Promise<number>;
}

/** A console sign-in; the cookie carries the random id whose hash is `idHash`. */
export interface ConsoleSessionRecord {
  idHash: string;
  accountId: number;
  /** The master token's hash when the session began: a changed token ends it. */
  masterTokenHash: string;
  expiresAt: number;
  createdAt: number;
}

export interface ConsoleSessionStore {
  create(session: ConsoleSessionRecord): Promise<void>;
  find(idHash: string): Promise<ConsoleSessionRecord | undefined>;
  delete(idHash: string): Promise<void>;
  /** Removes sessions expired before `at`; answers how many. */
  deleteExpired(at: number): Promise<number>;
}

export interface Stores {
  accounts: AccountStore;
  wallet: WalletStore;
  projects: ProjectStore;
  apiTokens: ApiTokenStore;
  channels: ChannelStore;
  pushes: PushStore;
  messages: MessageStore;
  devices: DeviceStore;
  inbound: InboundStore;
  webhooks: WebhookStore;
  calls: CallStore;
  whatsappWeb: WhatsAppWebStore;
  meta: MetaStore;
  consoleSessions: ConsoleSessionStore;
}

/** Stores plus transactions: work given to `transaction` commits all of its writes or none. */
export interface Storage {
  readonly stores: Stores;
  transaction<T>(work: (stores: Stores) => Promise<T>): Promise<T>;
}
