// Runs one WhatsApp Web session on this node: opens the socket on the auth state in the database, keeps
// the session row current (QR, state, number, version), reconnects with backoff after drops, and hands
// messages and acks to the channel. A session that was never paired stops when its QR codes run out and
// starts again on the next call that needs it.
import { ReconnectBackoff, type BackoffSettings } from '../../agent/reconnect-backoff.js';
import type { Clock, WebSessionChanges, WhatsAppWebStore } from '../../core/index.js';
import type { WaAuthStore, WaClient, WaClientEvents, WaClientFactory, WaClose, WaGroupParticipantsEvent, WaKey, WaLogger, WaMessage } from './wa-client.js';

export interface SessionListener {
  onConnected(runner: SessionRunner): void;
  onMessages(runner: SessionRunner, messages: WaMessage[]): Promise<void>;
  onAcks(runner: SessionRunner, acks: { key: WaKey; status: number }[]): Promise<void>;
  onGroupParticipants(runner: SessionRunner, event: WaGroupParticipantsEvent): Promise<void>;
  onGroupsUpdate(runner: SessionRunner, updates: { groupJid: string; subject?: string }[]): Promise<void>;
  /** The session gave up by itself (never paired and nobody scanning, or unlinked): it holds nothing now. */
  onStopped(runner: SessionRunner): void;
}

export interface SessionRunnerDeps {
  channelId: number;
  projectId: number;
  store: WhatsAppWebStore;
  factory: WaClientFactory;
  clock: Clock;
  backoff: BackoffSettings;
  listener: SessionListener;
  logger: WaLogger;
  logError(error: unknown, context: string): void;
}

export class SessionRunner {
  private client: WaClient | undefined;
  private opening: Promise<void> | undefined;
  /** Credentials being erased (logged out): an open started meanwhile must not read the old ones. */
  private erasing: Promise<void> = Promise.resolve();
  /**
   * Credential writes of sockets let go. Baileys does not wait for them: right after pairing it asks for
   * a new connection, whose open must read the new credentials, not the ones before the scan.
   */
  private credentialsSaving: Promise<void> = Promise.resolve();
  /** Bumped whenever a socket is let go: events of an older socket are ignored. */
  private generation = 0;
  private isStopped = true;
  private isOpen = false;
  /** The last state logged: QR refreshes rewrite the state without changing it. */
  private loggedState: WebSessionChanges['state'];
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly backoff: ReconnectBackoff;
  private qrWaiters: (() => void)[] = [];
  connectedNumber = '';

  constructor(private readonly deps: SessionRunnerDeps) {
    this.backoff = new ReconnectBackoff(deps.backoff);
  }

  get channelId(): number {
    return this.deps.channelId;
  }

  get isConnected(): boolean {
    return this.isOpen && this.client !== undefined;
  }

  /** The open socket, for sending and downloads. */
  get connection(): WaClient | undefined {
    return this.isConnected ? this.client : undefined;
  }

  /** The socket whether or not it is open yet (pairing codes are asked for before it opens). */
  get socket(): WaClient | undefined {
    return this.client;
  }

  /** Opens the socket unless it is open or opening. */
  start(): Promise<void> {
    this.isStopped = false;
    if (this.client || this.opening || this.retryTimer) return this.opening ?? Promise.resolve();
    const opening: Promise<void> = this.open().finally(() => {
      if (this.opening === opening) this.opening = undefined;
    });
    this.opening = opening;
    return opening;
  }

  /** Closes the socket and opens a new one (the `restart` command). */
  async restart(): Promise<void> {
    this.letGo();
    await this.start();
  }

  stop(): void {
    this.isStopped = true;
    this.letGo();
    for (const waiter of this.qrWaiters.splice(0)) waiter();
  }

  /** Unlinks the number (the `disconnect` command) and starts again unpaired, ready for a new QR. */
  async logout(): Promise<void> {
    const client = this.client;
    this.letGo();
    await this.eraseAuth(async () => {
      if (client) await client.logout().catch((error: unknown) => this.deps.logError(error, `logout of WhatsApp Web channel ${this.channelId}`));
    });
  }

  /** Resolves when a QR code or the connection is there, or after `timeoutMs`. */
  waitForQrOrOpen(timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const waiter = () => {
        clearTimeout(timer);
        resolve();
      };
      // A waiter that times out leaves the list: a client polling a session that shows no QR (paired,
      // but offline) must not make it grow.
      const timer = setTimeout(() => {
        this.qrWaiters = this.qrWaiters.filter((each) => each !== waiter);
        resolve();
      }, timeoutMs);
      timer.unref();
      this.qrWaiters.push(waiter);
    });
  }

  private letGo(): void {
    this.generation += 1;
    this.isOpen = false;
    // An open still under way belongs to the old generation and closes its own client: a start after
    // this one must open anew, not wait for it (a restart during an open would leave no socket).
    this.opening = undefined;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const client = this.client;
    this.client = undefined;
    this.forget(client);
    client?.close();
  }

  /** Keeps a socket's pending credential writes in `credentialsSaving` once the runner drops it. */
  private forget(client: WaClient | undefined): void {
    if (!client) return;
    const previous = this.credentialsSaving;
    this.credentialsSaving = Promise.all([previous, client.credentialsSaved()]).then(() => undefined);
  }

  /** Erases the credentials (after `first`, when given); an open started before it ends waits for it. */
  private eraseAuth(first: () => Promise<void> = async () => {}): Promise<void> {
    // After the old socket's own credential writes, which would otherwise bring erased credentials back.
    const erase = first()
      .then(() => this.credentialsSaving)
      .then(() => this.deps.store.eraseAuth(this.channelId, this.deps.clock.now()));
    this.erasing = erase.catch(() => undefined);
    return erase;
  }

  private update(changes: WebSessionChanges): Promise<void> {
    if (changes.state !== undefined && changes.state !== this.loggedState) {
      this.loggedState = changes.state;
      this.deps.logger.info({ channelId: this.channelId, state: changes.state, ...(changes.lastError ? { lastError: changes.lastError } : {}) }, 'WhatsApp Web session state');
    }
    return this.deps.store.updateSession(this.channelId, changes, this.deps.clock.now());
  }

  private async open(): Promise<void> {
    const generation = this.generation;
    // Everything is inside the try: a database error here is retried later, never an unhandled rejection.
    try {
      await this.credentialsSaving;
      await this.erasing;
      const session = await this.deps.store.findSession(this.channelId);
      await this.update({ state: session?.isPaired ? 'timeout' : 'connecting' });
      const sentText = async (waId: string) => {
        const sent = await this.deps.store.findSentByWaId(this.channelId, waId);
        return sent?.kind === 'text' ? sent.text : undefined;
      };
      const client = await this.deps.factory.open({ auth: this.authStore(), events: this.eventsFor(generation), logger: this.deps.logger, sentText });
      if (generation !== this.generation || this.isStopped) {
        this.forget(client);
        return client.close();
      }
      this.client = client;
      await this.update({ version: client.version });
    } catch (error) {
      this.deps.logError(error, `opening WhatsApp Web channel ${this.channelId}`);
      if (generation === this.generation) this.retryLater();
    }
  }

  private retryLater(): void {
    if (this.isStopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.start();
    }, this.backoff.nextDelayMs());
    this.retryTimer.unref();
  }

  private authStore(): WaAuthStore {
    const { store, clock } = this.deps;
    const id = this.channelId;
    return {
      readCreds: () => store.readCreds(id),
      writeCreds: (json) => store.writeCreds(id, json, clock.now()),
      readKeys: (type, ids) => store.readKeys(id, type, ids),
      writeKeys: (changes) => store.writeKeys(id, changes, clock.now()),
    };
  }

  private eventsFor(generation: number): WaClientEvents {
    const current = () => generation === this.generation && !this.isStopped;
    const guard = (work: () => Promise<void>, context: string) => {
      if (!current()) return;
      work().catch((error: unknown) => this.deps.logError(error, `${context} of WhatsApp Web channel ${this.channelId}`));
    };
    return {
      onQr: (qr) =>
        guard(async () => {
          await this.update({ state: 'unpaired', qr });
          for (const waiter of this.qrWaiters.splice(0)) waiter();
        }, 'QR code'),
      onOpen: ({ number }) =>
        guard(async () => {
          this.isOpen = true;
          this.connectedNumber = number;
          this.backoff.reset();
          // Told at the moment the socket can send: the dispatcher puts back what an earlier socket left
          // `sending` before its first send on this one. Told after the row's update, a send made during
          // that write was put back too, and went out twice.
          this.deps.listener.onConnected(this);
          await this.update({ state: 'connected', qr: '', pairingCode: '', connectedNumber: number, isPaired: true, lastError: '' });
          for (const waiter of this.qrWaiters.splice(0)) waiter();
        }, 'connection'),
      onClose: (close) => guard(() => this.closed(close), 'disconnection'),
      onMessages: (messages, type) => {
        // Only live messages: `append` carries what we sent ourselves and history.
        if (type === 'notify') guard(() => this.deps.listener.onMessages(this, messages), 'inbound messages');
      },
      onAcks: (acks) => guard(() => this.deps.listener.onAcks(this, acks), 'acks'),
      onGroupParticipants: (event) => guard(() => this.deps.listener.onGroupParticipants(this, event), 'group members change'),
      onGroupsUpdate: (updates) => guard(() => this.deps.listener.onGroupsUpdate(this, updates), 'group change'),
    };
  }

  private async closed(close: WaClose): Promise<void> {
    this.forget(this.client);
    this.client = undefined;
    this.isOpen = false;
    this.generation += 1;
    if (close.isLoggedOut) {
      // Unlinked from the phone: the credentials are void; a new QR is needed.
      this.isStopped = true;
      await this.eraseAuth();
      this.deps.listener.onStopped(this);
      return;
    }
    if (close.isRestartRequired) {
      await this.start();
      return;
    }
    // Kept on the row (the QR API shows it) and logged: an operator must see why no QR code appears.
    const lastError = `${close.reason || 'connection closed'}${close.code === undefined ? '' : ` (code ${close.code})`}`;
    this.deps.logger.warn({ channelId: this.channelId, code: close.code, reason: close.reason }, 'WhatsApp Web connection closed');
    const session = await this.deps.store.findSession(this.channelId);
    if (session?.isPaired) {
      await this.update({ state: 'timeout', lastError });
      this.retryLater();
      return;
    }
    // Never paired, and its QR codes ran out or WhatsApp could not be reached: nobody is scanning; wait
    // until someone asks again (a QR call starts it anew), and let a waiting QR call answer now.
    await this.update({ state: 'unpaired', qr: '', lastError });
    this.isStopped = true;
    for (const waiter of this.qrWaiters.splice(0)) waiter();
    this.deps.listener.onStopped(this);
  }
}
