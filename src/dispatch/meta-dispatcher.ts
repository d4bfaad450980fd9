// Background work of Meta channels, driven by rows: the send queue of each Cloud API / Messenger channel
// (claimed queued → sending in the database, paced to the channel's messages per second, several
// requests in flight, retryable failures back to the queue with a growing pause: Graph's rate limit
// 130429 lands here), and the webhook inbox (events Meta posted, processed from their rows so that a
// crash between Meta's call and the global webhook loses nothing).
import { ConcurrentChangeError, isMetaKind, type Channel, type Clock, type InboxEvent, type MessageService, type OutboundMessage, type Storage } from '../core/index.js';
import { SerialTask } from './serial-task.js';
import { WakeTimers } from './wake-timers.js';

export interface MetaDispatcherSettings {
  /** Messages per second per channel unless its settings say `messages_per_second`. */
  messagesPerSecond: number;
  maxAttempts: number;
  /** Requests to Graph one channel may have open at once. */
  maxInFlight: number;
  /** A message `sending` this long (a node died mid-call) goes back to the queue. */
  staleSendingMs: number;
  /** How long a node holds the inbox events it claimed (another node takes them over after that). */
  inboxClaimMs: number;
}

export interface MetaDispatcherDeps {
  storage: Storage;
  messages: MessageService;
  clock: Clock;
  /** The channel implementation serving an application number. */
  channelFor(kind: number): Channel | undefined;
  /** Applies one inbox event; throwing leaves it for a later attempt. */
  processEvent(event: InboxEvent): Promise<void>;
  settings: MetaDispatcherSettings;
  logError(error: unknown, context: string): void;
}

const INBOX_MAX_ATTEMPTS = 20;
/** How long an event waiting for our own record (RetryLaterError) may wait between looks. */
const WAITING_EVENT_MAX_PAUSE_MS = 2_000;
const MAX_PAUSE_MS = 60_000;
/** A drain claims at most what the channel's pace lets start within this time. */
const CLAIM_WINDOW_MS = 100;
const SETTINGS_TTL_MS = 5_000;

interface ChannelState {
  task: SerialTask;
  kind: number | undefined;
  nextSendAt: number;
  inFlight: number;
  /** Retryable failures in a row: the pause before the next send doubles with each. */
  failures: number;
  rate: number | undefined;
  settingsReadAt: number;
}

export class MetaDispatcher {
  private readonly channels = new Map<number, ChannelState>();
  private readonly timers: WakeTimers;
  private readonly inbox: SerialTask;
  private inboxTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private readonly sends = new Set<Promise<void>>();
  private inboxRun: Promise<void> = Promise.resolve();
  private isClosed = false;

  constructor(private readonly deps: MetaDispatcherDeps) {
    this.timers = new WakeTimers(deps.clock, (key) => this.wake(key), () => this.isClosed);
    // The drain under way is kept so that close can wait for it.
    this.inbox = new SerialTask(() => (this.inboxRun = this.drainInbox()), () => this.isClosed);
  }

  wake(channelId: number): void {
    if (this.isClosed) return;
    let state = this.channels.get(channelId);
    if (!state) {
      state = { task: new SerialTask(() => this.drain(channelId), () => this.isClosed), kind: undefined, nextSendAt: 0, inFlight: 0, failures: 0, rate: undefined, settingsReadAt: 0 };
      this.channels.set(channelId, state);
    }
    state.task.run().catch((error: unknown) => this.deps.logError(error, `Meta dispatch for channel ${channelId}`));
  }

  wakeInbox(): void {
    if (this.isClosed) return;
    this.inbox.run().catch((error: unknown) => this.deps.logError(error, 'Meta webhook inbox'));
  }

  /**
   * Every `intervalMs`: the inbox, stale sends, and the queue of every linked channel (pushes other nodes
   * took). A single node (`isOnlyNode`) first takes back what its previous process held when it stopped.
   */
  async start(intervalMs: number, isOnlyNode: boolean): Promise<void> {
    if (isOnlyNode) {
      const { meta } = this.deps.storage.stores;
      await meta.releaseInboxClaims(this.deps.clock.now());
      const accounts = await meta.listAccounts();
      for (const messageId of await meta.listStaleSending(accounts.map((account) => account.channelId), Number.MAX_SAFE_INTEGER, 10_000)) {
        await this.deps.messages.request({ messageId, to: 'queued', error: 'the gateway stopped during the send; queued again' });
      }
    }
    this.poll(intervalMs);
  }

  private poll(intervalMs: number): void {
    const tick = async () => {
      this.wakeInbox();
      const accounts = await this.deps.storage.stores.meta.listAccounts();
      await this.requeueStale(accounts.map((account) => account.channelId));
      for (const account of accounts) this.wake(account.channelId);
    };
    void tick().catch((error: unknown) => this.deps.logError(error, 'Meta dispatch poll'));
    this.pollTimer = setInterval(() => void tick().catch((error: unknown) => this.deps.logError(error, 'Meta dispatch poll')), intervalMs);
    this.pollTimer.unref();
  }

  /** Stops claiming; resolves once the requests in flight have been recorded. */
  async close(): Promise<void> {
    this.isClosed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.inboxTimer) clearTimeout(this.inboxTimer);
    this.timers.clear();
    // The event being processed finishes too (its inbound message and webhook are written before storage closes).
    await Promise.allSettled([...this.sends, this.inboxRun]);
  }

  private async requeueStale(channelIds: number[]): Promise<void> {
    const before = this.deps.clock.now() - this.deps.settings.staleSendingMs;
    const stale = await this.deps.storage.stores.meta.listStaleSending(channelIds, before, 500);
    for (const messageId of stale) await this.deps.messages.request({ messageId, to: 'queued', error: 'the send was interrupted (gateway stopped); queued again' });
  }

  /** The channel's kind and pace, read again every SETTINGS_TTL_MS (every send completion wakes the drain). */
  private async rateOf(channelId: number, state: ChannelState): Promise<number> {
    const now = this.deps.clock.now();
    if (state.rate !== undefined && now < state.settingsReadAt + SETTINGS_TTL_MS) return state.rate;
    const channel = await this.deps.storage.stores.channels.findById(channelId);
    state.kind = channel?.kind;
    const setting = channel?.settings.messages_per_second;
    state.rate = typeof setting === 'number' && setting > 0 ? setting : this.deps.settings.messagesPerSecond;
    state.settingsReadAt = now;
    return state.rate;
  }

  private async drain(channelId: number): Promise<void> {
    const state = this.channels.get(channelId)!;
    const rate = await this.rateOf(channelId, state);
    // Only Meta kinds: pushes of every channel wake this dispatcher, the others have their own.
    const implementation = state.kind === undefined || !isMetaKind(state.kind) ? undefined : this.deps.channelFor(state.kind);
    if (!implementation) return;
    const gapMs = 1000 / rate;
    while (!this.isClosed && state.inFlight < this.deps.settings.maxInFlight) {
      const now = this.deps.clock.now();
      if (state.nextSendAt > now) return this.timers.at(channelId, state.nextSendAt);
      // Claimed together, one transaction: what the pace allows in the next CLAIM_WINDOW_MS, within the room.
      const room = this.deps.settings.maxInFlight - state.inFlight;
      const paceBatch = Math.max(1, Math.floor(CLAIM_WINDOW_MS / gapMs));
      // While sends are in flight, claims wait for room for a good batch (one transaction per message otherwise).
      if (state.inFlight > 0 && room < Math.min(paceBatch, this.deps.settings.maxInFlight / 2)) return;
      const batch = Math.min(room, paceBatch);
      const heads = await this.deps.storage.stores.messages.nextQueued(channelId, batch);
      if (heads.length === 0) return;
      const claims = await this.deps.messages.moveMany(heads.map((head) => ({ messageId: head.id, to: 'sending' as const })), undefined, heads).catch((error: unknown) => {
        if (error instanceof ConcurrentChangeError) return [];
        throw error;
      });
      for (const claim of claims) {
        if (!claim.isMoved) continue;
        // Each claimed message gets its own slot of the pace; those due later wait for it.
        const slot = Math.max(now, state.nextSendAt);
        state.nextSendAt = slot + gapMs;
        state.inFlight += 1;
        const sending = this.paced(slot)
          .then(() => this.sendOne(implementation, claim.transitions[0]!.message, state))
          .finally(() => {
            state.inFlight -= 1;
            this.sends.delete(sending);
            this.wake(channelId);
          });
        this.sends.add(sending);
      }
    }
  }

  private paced(slot: number): Promise<void> {
    const wait = slot - this.deps.clock.now();
    return wait <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, wait).unref());
  }

  private async sendOne(channel: Channel, message: OutboundMessage, state: ChannelState): Promise<void> {
    try {
      const sent = await channel.send(message).catch((error: unknown) => ({ outcome: 'failed' as const, isRetryable: true, reason: `send failed: ${(error as Error).message}` }));
      if (sent.outcome === 'submitted') {
        state.failures = 0;
        await this.deps.messages.request({ messageId: message.id, to: 'submitted' });
        return;
      }
      if (sent.outcome !== 'failed') return;
      const isRetried = sent.isRetryable && message.attempts < this.deps.settings.maxAttempts;
      if (isRetried) {
        // Graph refused for now (rate limit, Meta unavailable): the whole channel pauses, longer each time.
        state.failures += 1;
        const pause = Math.min(MAX_PAUSE_MS, 1000 * 2 ** (state.failures - 1));
        state.nextSendAt = Math.max(state.nextSendAt, this.deps.clock.now() + pause);
      }
      const error = sent.isRetryable && !isRetried ? `${sent.reason} (gave up after ${message.attempts} attempts)` : sent.reason;
      await this.deps.messages.request({ messageId: message.id, to: isRetried ? 'queued' : 'failed', error });
    } catch (error) {
      this.deps.logError(error, `recording the Meta send of message ${message.id}`);
    }
  }

  private async drainInbox(): Promise<void> {
    while (!this.isClosed) {
      const now = this.deps.clock.now();
      const events = await this.deps.storage.stores.meta.claimInbox(now, now + this.deps.settings.inboxClaimMs, 50);
      if (events.length === 0) return;
      for (const event of events) {
        if (this.isClosed) return;
        try {
          await this.deps.processEvent(event);
          await this.deps.storage.stores.meta.finishInbox(event.id, this.deps.clock.now());
        } catch (error) {
          const at = this.deps.clock.now();
          // An event waiting for something of ours (a status for a send whose answer is being recorded) is
          // looked at again soon and bounded by its own patience; a failing event backs off and is given up.
          const isWaiting = error instanceof Error && error.name === 'RetryLaterError';
          const isGivenUp = !isWaiting && event.attempts >= INBOX_MAX_ATTEMPTS;
          const backoffMs = isWaiting ? Math.min(WAITING_EVENT_MAX_PAUSE_MS, 250 * 2 ** Math.min(event.attempts, 10)) : Math.min(MAX_PAUSE_MS, 500 * 2 ** Math.min(event.attempts, 10));
          const retryAt = isGivenUp ? null : at + backoffMs;
          if (!isWaiting) this.deps.logError(error, `Meta webhook event ${event.id} (${event.kind})`);
          await this.deps.storage.stores.meta.failInbox(event.id, (error as Error).message ?? String(error), retryAt, at);
          if (retryAt !== null) this.scheduleInbox(retryAt);
        }
      }
    }
  }

  private scheduleInbox(at: number): void {
    if (this.isClosed || this.inboxTimer) return;
    this.inboxTimer = setTimeout(() => {
      this.inboxTimer = undefined;
      this.wakeInbox();
    }, Math.max(0, at - this.deps.clock.now()));
    this.inboxTimer.unref();
  }
}
