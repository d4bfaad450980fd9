// The storage the domain needs, as interfaces; `storage/` implements them over SQLite and PostgreSQL.
import type { Account, LedgerEntry, NewLedgerEntry } from './account.js';
import type { ChannelRecord } from './channels/channel.js';
import type { MessageEvent, MessageState, OutboundMessage } from './messages/message.js';
import type { ApiToken, ApiTokenStatus, NewApiToken, NewProject, Project, ProjectChanges } from './project.js';
import type { PushDraft, PushRecord, PushWriteResult } from './push/push-draft.js';

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
}

export interface StateMove {
  messageId: number;
  from: MessageState;
  to: MessageState;
  at: number;
  error: string;
}

export interface MessageStore {
  findById(id: number): Promise<OutboundMessage | undefined>;
  listByPush(pushId: number): Promise<OutboundMessage[]>;
  /** The next queued messages of a channel: high priority first, then oldest first. */
  nextQueued(channelId: number, limit: number): Promise<OutboundMessage[]>;
  countQueued(channelId: number): Promise<number>;
  /** Applies the move only if the message is still in `from`, and records it in the timeline. */
  move(move: StateMove): Promise<boolean>;
  timeline(messageId: number): Promise<MessageEvent[]>;
}

export interface Stores {
  accounts: AccountStore;
  wallet: WalletStore;
  projects: ProjectStore;
  apiTokens: ApiTokenStore;
  channels: ChannelStore;
  pushes: PushStore;
  messages: MessageStore;
}

/** Stores plus transactions: work given to `transaction` commits all of its writes or none. */
export interface Storage {
  readonly stores: Stores;
  transaction<T>(work: (stores: Stores) => Promise<T>): Promise<T>;
}
