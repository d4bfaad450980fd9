// A fake of the WhatsApp Web socket (the wrapped client interface): it shows QR codes, pairs when the test
// "scans" one (storing keys, then credentials in the background while asking for a restart, as Baileys
// does), opens with stored credentials, records what is sent, and lets the test deliver messages, acks,
// drops and log-outs. It stands in for WhatsApp, which no test may reach.
import type { DownloadLimits, WaAuthStore, WaClient, WaClientEvents, WaClientFactory, WaContent, WaKey, WaMessage, WaSendOptions } from '../../src/channels/whatsapp-web/index.js';

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
