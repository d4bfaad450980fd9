// What WhatsApp Web sessions keep in the database: the session row and its lease, the auth state
// (credentials and signal keys, as opaque JSON text), sent-message ids (for acks and quotes) and media.
import type { WebCommand, WebSession, WebSessionChanges } from './web-session.js';

export interface WebKeyChange {
  type: string;
  id: string;
  /** null deletes the key. */
  value: string | null;
}

/** The WhatsApp id a message of ours was sent under. */
export interface WebSentMessage {
  messageId: number;
  channelId: number;
  waId: string;
  jid: string;
  /** The message kind (only text is re-sent on a recipient's retry request). */
  kind: string;
  text: string;
}

/** A media item: a URL fetched for sending (cached by URL hash) or one received (behind a random id). */
export interface WebMedia {
  id: string;
  channelId: number | null;
  url: string;
  mime: string;
  fileName: string;
  data: Buffer;
  createdAt: number;
}

export interface WhatsAppWebStore {
  /** The channel's session row, created unpaired if missing. */
  ensureSession(channelId: number, projectId: number, at: number): Promise<WebSession>;
  findSession(channelId: number): Promise<WebSession | undefined>;
  updateSession(channelId: number, changes: WebSessionChanges, at: number): Promise<void>;
  /** Takes or renews the lease unless another node holds it unexpired; answers whether this node holds it. */
  acquireLease(channelId: number, nodeId: string, until: number, now: number): Promise<boolean>;
  releaseLease(channelId: number, nodeId: string): Promise<void>;
  /** Leaves a command for the lease holder (the latest one wins). */
  requestCommand(channelId: number, command: WebCommand): Promise<void>;
  /** The command left for this node, if it holds the lease; taken once. */
  takeCommand(channelId: number, nodeId: string): Promise<WebCommand | undefined>;
  /** Sessions with stored credentials: they reconnect when a gateway starts. */
  listPaired(): Promise<WebSession[]>;
  readCreds(channelId: number): Promise<string | undefined>;
  writeCreds(channelId: number, json: string, at: number): Promise<void>;
  readKeys(channelId: number, type: string, ids: readonly string[]): Promise<Map<string, string>>;
  /** Applies every change in one transaction. */
  writeKeys(channelId: number, changes: readonly WebKeyChange[], at: number): Promise<void>;
  /** Forgets credentials and keys: the session is unpaired. */
  eraseAuth(channelId: number, at: number): Promise<void>;
  recordSent(sent: WebSentMessage, at: number): Promise<void>;
  findSentByWaId(channelId: number, waId: string): Promise<WebSentMessage | undefined>;
  findSentByMessageId(messageId: number): Promise<WebSentMessage | undefined>;
  /**
   * Messages of the channel left in `sending` when its session last stopped: never handed to a socket,
   * or handed over without WhatsApp's server ack reaching us.
   */
  listSending(channelId: number): Promise<number[]>;
  putMedia(media: WebMedia): Promise<void>;
  findMedia(id: string): Promise<WebMedia | undefined>;
  /** Erases the channel's message logs: sent ids, received media and inbound messages. */
  eraseLogs(channelId: number): Promise<void>;
}
