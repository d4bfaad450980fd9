// A fake of the WhatsApp Web socket (the wrapped client interface): it shows QR codes, pairs when the test
// "scans" one (storing keys, then credentials in the background while asking for a restart, as Baileys
// does), opens with stored credentials, records what is sent, and lets the test deliver messages, acks,
// drops and log-outs; it keeps groups and the linked account's profile as WhatsApp would, and lets the
// test send group notifications. It stands in for WhatsApp, which no test may reach.
import { randomBytes } from 'node:crypto';
import { WaServerError } from '../../src/channels/whatsapp-web/index.js';
import type { DownloadLimits, WaAuthStore, WaClient, WaClientEvents, WaClientFactory, WaContent, WaGroupMetadata, WaKey, WaMessage, WaParticipantAction, WaSendOptions } from '../../src/channels/whatsapp-web/index.js';

/** A group as the fake WhatsApp keeps it: participants by JID, with their admin flag. */
export interface FakeGroup {
  id: string;
  subject: string;
  description: string;
  creation: number;
  participants: Map<string, boolean>;
  inviteCode: string;
  picture: Buffer | undefined;
}

export interface SentCall {
  jid: string;
  content: WaContent;
  options: WaSendOptions;
  /** When the socket took it (Date.now()), to check the gaps between sends. */
  at: number;
}

export class FakeSocket implements WaClient {
  readonly version = '2.3000.1';
  readonly sent: SentCall[] = [];
  isClosed = false;
  hasLoggedOut = false;
  qrShown: string[] = [];
  private credentialWrites: Promise<void> = Promise.resolve();

  constructor(
    readonly auth: WaAuthStore,
    readonly events: WaClientEvents,
    private readonly whatsapp: FakeWhatsApp,
  ) {}

  async send(jid: string, content: WaContent, options: WaSendOptions): Promise<void> {
    if (this.whatsapp.failSends) throw new Error('socket write failed');
    const call = { jid, content, options, at: Date.now() };
    this.sent.push(call);
    this.whatsapp.sent.push(call);
  }

  async download(message: WaMessage, limits: DownloadLimits): Promise<Buffer> {
    this.whatsapp.downloads.push(String(message.key.id));
    const bytes = this.whatsapp.media.get(String(message.key.id));
    if (!bytes) throw new Error('media expired');
    if (bytes.length > limits.maxBytes) throw new Error(`media larger than ${limits.maxBytes} bytes`);
    return bytes;
  }

  /** The linked number, known once the socket opened with credentials. */
  number = '';

  ownJid(): string {
    return `${this.number}@s.whatsapp.net`;
  }

  /** A group this account is in, or WhatsApp's 404 (unknown) / 403 (left or removed). */
  private group(jid: string): FakeGroup {
    this.whatsapp.groupCalls.push(jid);
    const group = this.whatsapp.groups.get(jid);
    if (!group) throw new WaServerError('item-not-found', 404);
    if (!group.participants.has(this.ownJid())) throw new WaServerError('forbidden', 403);
    return group;
  }

  private adminGroup(jid: string): FakeGroup {
    const group = this.group(jid);
    if (!group.participants.get(this.ownJid())) throw new WaServerError('not-authorized', 401);
    return group;
  }

  private metadataOf(group: FakeGroup): WaGroupMetadata {
    return { id: group.id, subject: group.subject, description: group.description, creation: group.creation, participants: [...group.participants].map(([jid, isAdmin]) => ({ jid, isAdmin })) };
  }

  async groupCreate(subject: string, participants: string[]): Promise<WaGroupMetadata> {
    if (this.whatsapp.refuseGroupCreate) throw new WaServerError('rate-overlimit', 429);
    const id = `1203630${String(this.whatsapp.groups.size + 1).padStart(11, '0')}@g.us`;
    const members = new Map<string, boolean>([[this.ownJid(), true]]);
    for (const jid of participants) if (!this.whatsapp.privateNumbers.has(jid.split('@')[0]!)) members.set(jid, false);
    const group: FakeGroup = { id, subject, description: '', creation: 1_768_471_200, participants: members, inviteCode: randomBytes(8).toString('hex'), picture: undefined };
    this.whatsapp.groups.set(id, group);
    return this.metadataOf(group);
  }

  async groupMetadata(groupJid: string): Promise<WaGroupMetadata> {
    return this.metadataOf(this.group(groupJid));
  }

  async groupParticipants(groupJid: string, participants: string[], action: WaParticipantAction): Promise<{ jid: string; status: string }[]> {
    const group = this.adminGroup(groupJid);
    const answered = (jid: string) => (this.whatsapp.answersWithLids ? `${jid.split('@')[0]!.split('').reverse().join('')}@lid` : jid);
    return participants.map((jid) => {
      const result = (status: string) => ({ jid: answered(jid), status });
      const isMember = group.participants.has(jid);
      if (action === 'add') {
        if (this.whatsapp.privateNumbers.has(jid.split('@')[0]!)) return result('403');
        if (!isMember) group.participants.set(jid, false);
        return result(isMember ? '409' : '200');
      }
      if (!isMember) return result('404');
      if (action === 'remove') group.participants.delete(jid);
      else group.participants.set(jid, action === 'promote');
      return result('200');
    });
  }

  async groupSubject(groupJid: string, subject: string): Promise<void> {
    this.adminGroup(groupJid).subject = subject;
  }

  async groupDescription(groupJid: string, description: string): Promise<void> {
    this.adminGroup(groupJid).description = description;
  }

  async setPicture(jid: string, image: Buffer): Promise<void> {
    if (jid === this.ownJid()) this.whatsapp.profile.picture = image;
    else this.adminGroup(jid).picture = image;
  }

  async removePicture(jid: string): Promise<void> {
    this.adminGroup(jid).picture = undefined;
  }

  async groupInviteCode(groupJid: string): Promise<string> {
    return this.adminGroup(groupJid).inviteCode;
  }

  async groupRevokeInvite(groupJid: string): Promise<string> {
    const group = this.adminGroup(groupJid);
    group.inviteCode = randomBytes(8).toString('hex');
    return group.inviteCode;
  }

  async groupLeave(groupJid: string): Promise<void> {
    this.group(groupJid).participants.delete(this.ownJid());
  }

  async setAbout(text: string): Promise<void> {
    this.whatsapp.profile.about = text;
  }

  async setBusinessProfile(profile: { address?: string; description?: string; email?: string; websites?: string[] }): Promise<void> {
    if (!this.whatsapp.isBusinessAccount) throw new WaServerError('not a business account', 400);
    Object.assign(this.whatsapp.profile, profile);
  }

  /** WhatsApp tells the session that members of a group changed (as a notification, not an answer). */
  groupNotification(groupJid: string, participants: string[], action: WaParticipantAction): void {
    this.events.onGroupParticipants({ groupJid, participants, action });
  }

  subjectNotification(groupJid: string, subject: string): void {
    this.events.onGroupsUpdate([{ groupJid, subject }]);
  }

  async saveContact(jid: string, name: string): Promise<void> {
    this.whatsapp.savedContacts.push({ jid, name });
  }

  async requestPairingCode(phoneNumber: string): Promise<string> {
    return `PAIR-${phoneNumber.slice(-4)}`;
  }

  async logout(): Promise<void> {
    this.hasLoggedOut = true;
    this.later(() => this.events.onClose({ isLoggedOut: true, isRestartRequired: false, code: 401, reason: 'logged out' }));
  }

  close(): void {
    this.isClosed = true;
  }

  credentialsSaved(): Promise<void> {
    return this.credentialWrites;
  }

  /**
   * The phone scans the QR: signal keys are stored, then, as Baileys does, the new credentials are
   * written in the background (slowly, like a busy database) while WhatsApp asks for a restart at once.
   */
  async scan(number: string): Promise<void> {
    await this.auth.writeKeys([{ type: 'pre-key', id: '1', value: '{"public":"a","private":"b"}' }, { type: 'session', id: `${number}.0`, value: '"s"' }]);
    const creds = JSON.stringify({ registered: true, me: { id: `${number}:7@s.whatsapp.net` }, noiseKey: { private: { type: 'Buffer', data: 'AQID' } } });
    this.credentialWrites = this.credentialWrites
      .then(() => new Promise((resolve) => setTimeout(resolve, this.whatsapp.credentialsWriteDelayMs)))
      .then(() => this.auth.writeCreds(creds))
      .catch(() => undefined);
    this.events.onClose({ isLoggedOut: false, isRestartRequired: true, code: 515, reason: 'restart required' });
  }

  showQr(qr: string): void {
    this.qrShown.push(qr);
    this.events.onQr(qr);
  }

  drop(): void {
    this.isClosed = true;
    this.events.onClose({ isLoggedOut: false, isRestartRequired: false, code: 428, reason: 'connection closed' });
  }

  unlinkFromPhone(): void {
    this.events.onClose({ isLoggedOut: true, isRestartRequired: false, code: 401, reason: 'logged out' });
  }

  receive(...messages: WaMessage[]): void {
    this.events.onMessages(messages, 'notify');
  }

  ack(waId: string, status: number, remoteJid = 'x@s.whatsapp.net'): void {
    const key: WaKey = { id: waId, fromMe: true, remoteJid };
    this.events.onAcks([{ key, status }]);
  }

  private later(work: () => void): void {
    setImmediate(work);
  }
}

export class FakeWhatsApp implements WaClientFactory {
  readonly sockets: FakeSocket[] = [];
  readonly sent: SentCall[] = [];
  /** Media bytes by WhatsApp message id, for downloads. */
  readonly media = new Map<string, Buffer>();
  /** The WhatsApp ids of the messages whose media was downloaded, in order. */
  readonly downloads: string[] = [];
  /** Contacts saved in the linked account (createcontact), in order. */
  readonly savedContacts: { jid: string; name: string }[] = [];
  failSends = false;
  /** Groups by JID, shared by every socket (they live on WhatsApp, not in the session). */
  readonly groups = new Map<string, FakeGroup>();
  /** The group JIDs each group call named, in order: a refused request must not reach WhatsApp. */
  readonly groupCalls: string[] = [];
  /** Numbers whose privacy settings keep others from adding them to groups. */
  readonly privateNumbers = new Set<string>();
  refuseGroupCreate = false;
  /** Participant changes are answered with LIDs (as groups that address members by LID do). */
  answersWithLids = false;
  /** The linked account is a WhatsApp Business one (business profile fields can be set). */
  isBusinessAccount = true;
  readonly profile: { about?: string; address?: string; description?: string; email?: string; websites?: string[]; picture?: Buffer } = {};
  /** How long a credentials write takes to start: pairing must not reopen before it is done. */
  credentialsWriteDelayMs = 30;
  /** The phone is offline: sockets with credentials close instead of opening. */
  isUnreachable = false;
  /** WhatsApp itself cannot be reached: every socket closes with this reason before any QR code. */
  connectError: string | undefined;
  /** WhatsApp has not answered yet: sockets show no QR code and do not close. */
  isSilent = false;
  private qrCount = 0;

  /** What the last socket was given to answer retry requests with. */
  sentText: ((waId: string) => Promise<string | undefined>) | undefined;

  async open(options: { auth: WaAuthStore; events: WaClientEvents; sentText(waId: string): Promise<string | undefined> }): Promise<WaClient> {
    this.sentText = options.sentText;
    const socket = new FakeSocket(options.auth, options.events, this);
    this.sockets.push(socket);
    const stored = await options.auth.readCreds();
    const creds = stored ? (JSON.parse(stored) as { registered?: boolean; me?: { id: string } }) : undefined;
    socket.number = creds?.me?.id.split(':')[0] ?? '';
    setImmediate(() => {
      if (socket.isClosed || this.isSilent) return;
      if (this.connectError) return options.events.onClose({ isLoggedOut: false, isRestartRequired: false, code: undefined, reason: this.connectError });
      if (!creds?.registered) return socket.showQr(`2@fake-qr-${(this.qrCount += 1)}`);
      if (this.isUnreachable) return socket.drop();
      options.events.onOpen({ number: creds.me!.id.split(':')[0]!, name: 'Shop' });
    });
    return socket;
  }

  /** The latest socket (the one a session uses now). */
  get current(): FakeSocket {
    return this.sockets[this.sockets.length - 1]!;
  }
}
