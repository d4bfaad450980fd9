// The seam between the WhatsApp Web channel and the socket library: the part of a WhatsApp Web socket
// the channel uses, in plain shapes. baileys-client.ts implements it; tests use a fake of it. Message
// shapes follow the WhatsApp protocol's field names, so the channel's own code reads them (and survives
// malformed ones) whichever side produced them.

/** A message key: who the chat is, the message id, and whether we (the linked number) sent it. */
export interface WaKey {
  remoteJid?: string | null;
  /** The phone-number JID when `remoteJid` is a LID (`…@lid`). */
  remoteJidAlt?: string | null;
  id?: string | null;
  fromMe?: boolean | null;
  /** The sender inside a group. */
  participant?: string | null;
  participantAlt?: string | null;
}

/** A received or echoed message; `message` is the protocol's content object, read defensively. */
export interface WaMessage {
  key: WaKey;
  pushName?: string | null;
  messageTimestamp?: unknown;
  message?: Record<string, unknown> | null;
}

/** What can be sent: the protocol library's content shapes for the kinds Switchboard sends. */
export type WaContent =
  | { text: string }
  | { image: Buffer; caption?: string; mimetype?: string }
  | { video: Buffer; caption?: string; mimetype?: string }
  | { audio: Buffer; ptt: boolean; mimetype: string }
  | { document: Buffer; mimetype: string; fileName: string; caption?: string }
  | { sticker: Buffer }
  | { location: { degreesLatitude: number; degreesLongitude: number; name?: string; address?: string } }
  | { contacts: { displayName: string; contacts: { displayName: string; vcard: string }[] } };

export interface WaSendOptions {
  /** Our own WhatsApp message id, chosen before sending so that no ack can arrive before we know it. */
  messageId: string;
  quoted?: WaMessage;
}

/** Protocol ack levels of `messages.update` (WebMessageInfo.Status). */
export const WA_ACK = { error: 0, pending: 1, serverAck: 2, delivered: 3, read: 4, played: 5 } as const;

export interface WaClose {
  /** The linked device was removed (from the phone, or by logout): credentials are void. */
  isLoggedOut: boolean;
  /** The server asks for a new connection at once (after pairing). */
  isRestartRequired: boolean;
  code: number | undefined;
  reason: string;
}

/** A group as WhatsApp describes it; participant JIDs are phone-number JIDs where WhatsApp gives them. */
export interface WaGroupMetadata {
  id: string;
  subject: string;
  description: string;
  /** Epoch seconds; 0 when not given. */
  creation: number;
  participants: { jid: string; isAdmin: boolean }[];
}

export type WaParticipantAction = 'add' | 'remove' | 'promote' | 'demote';

/** WhatsApp refused a request; `status` is its error code (404 no such group, 401/403 not allowed, 409 …). */
export class WaServerError extends Error {
  constructor(
    message: string,
    readonly status: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'WaServerError';
  }
}

/** Members joined, left, were promoted or demoted (`participants` are JIDs), as a group notification says. */
export interface WaGroupParticipantsEvent {
  groupJid: string;
  participants: string[];
  action: WaParticipantAction;
}

export interface WaClientEvents {
  onQr(qr: string): void;
  onOpen(account: { number: string; name: string }): void;
  onClose(close: WaClose): void;
  onMessages(messages: WaMessage[], type: 'notify' | 'append'): void;
  onAcks(acks: { key: WaKey; status: number }[]): void;
  onGroupParticipants(event: WaGroupParticipantsEvent): void;
  /** Group settings changed; `subject` is there when the subject did. */
  onGroupsUpdate(updates: { groupJid: string; subject?: string }[]): void;
}

/** The auth state's storage: credentials and signal keys as JSON text, written before they are used. */
export interface WaAuthStore {
  readCreds(): Promise<string | undefined>;
  writeCreds(json: string): Promise<void>;
  readKeys(type: string, ids: readonly string[]): Promise<Map<string, string>>;
  writeKeys(changes: { type: string; id: string; value: string | null }[]): Promise<void>;
}

export interface WaLogger {
  /** Operator lines: a session's state changes. */
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
  debug(details: Record<string, unknown>, message: string): void;
}

/** Received media is read into memory: never more than this, never for longer. */
export interface DownloadLimits {
  maxBytes: number;
  timeoutMs: number;
}

export interface WaClient {
  /** The WhatsApp Web version this socket speaks. */
  readonly version: string;
  send(jid: string, content: WaContent, options: WaSendOptions): Promise<void>;
  /** The decrypted bytes of a received media message; throws past the limits (size, time) or for a host that is not WhatsApp's. */
  download(message: WaMessage, limits: DownloadLimits): Promise<Buffer>;
  requestPairingCode(phoneNumber: string): Promise<string>;
  /**
   * Saves `jid` in the linked account's contacts (synced to the phone's) under `name`: the push's
   * `createcontact`. Never rejects: a contact WhatsApp refuses to save is logged, and the message goes anyway.
   */
  saveContact(jid: string, name: string): Promise<void>;
  /** Unlinks this device from the phone; the socket closes with `isLoggedOut`. */
  logout(): Promise<void>;
  /** Closes the socket without unlinking. */
  close(): void;
  // Groups and profile: each rejects with WaServerError when WhatsApp refuses.
  groupCreate(subject: string, participants: string[]): Promise<WaGroupMetadata>;
  groupMetadata(groupJid: string): Promise<WaGroupMetadata>;
  /** One entry per JID asked; `status` is WhatsApp's per-participant code ('200' done). */
  groupParticipants(groupJid: string, participants: string[], action: WaParticipantAction): Promise<{ jid: string; status: string }[]>;
  groupSubject(groupJid: string, subject: string): Promise<void>;
  groupDescription(groupJid: string, description: string): Promise<void>;
  /** A group's or our own (`jid` of the linked number) picture, from image bytes. */
  setPicture(jid: string, image: Buffer): Promise<void>;
  removePicture(jid: string): Promise<void>;
  groupInviteCode(groupJid: string): Promise<string>;
  /** Revokes the invite code; answers the new one. */
  groupRevokeInvite(groupJid: string): Promise<string>;
  groupLeave(groupJid: string): Promise<void>;
  /** The linked account's "about" text. */
  setAbout(text: string): Promise<void>;
  /** A WhatsApp Business account's profile fields (a personal account's are refused by WhatsApp). */
  setBusinessProfile(profile: { address?: string; description?: string; email?: string; websites?: string[] }): Promise<void>;
  /** The linked number's own JID. */
  ownJid(): string;
  /** Resolves (never rejects) once every credentials update this socket has made so far is written. */
  credentialsSaved(): Promise<void>;
}

export interface WaClientFactory {
  /**
   * `sentText` answers the text of a message we sent, by its WhatsApp id: a recipient that could not
   * decrypt it asks for it again, and the socket must re-encrypt it.
   */
  open(options: { auth: WaAuthStore; events: WaClientEvents; logger: WaLogger; sentText(waId: string): Promise<string | undefined> }): Promise<WaClient>;
}
