// Moves messages through the state machine. Every move is checked, stored with its time in the
// message's timeline, refunded when the policy says so, and handed to listeners (the event webhook)
// inside the same transaction, so no state change is ever reported without being stored. Moves that
// arrive together (device reports, dispatcher claims) share one transaction.
import type { Clock } from '../clock.js';
import { WriteBatcher } from '../push/write-batcher.js';
import type { StateUpdate, Storage, Stores } from '../stores.js';
import type { WalletService } from '../wallet-service.js';
import type { MessageEvent, MessageState, OutboundMessage } from './message.js';
import { canMove, isRefundableFailure } from './message-state.js';
import { RecentMessages } from './recent-messages.js';

export interface MessageTransition {
  message: OutboundMessage;
  from: MessageState;
  to: MessageState;
  at: number;
  error: string;
}

export interface MoveRequest {
  messageId: number;
  to: MessageState;
  error?: string;
  /** The device the message is handed to (with `sending`). */
  deviceId?: number;
  /**
   * A state to pass through first when the message can (a `delivered` report implies `sent`): one move
   * in the batch instead of two.
   */
  via?: MessageState;
  /**
   * With `failed`: give the credit back even though the channel had taken the message (Meta bills no
   * message that fails, so a failure reported later is refunded too).
   */
  refund?: boolean;
}

export type MoveOutcome =
  | { isMoved: true; transitions: MessageTransition[] }
  | { isMoved: false; reason: 'unknown' | 'illegal'; state: MessageState | undefined };

export type TransitionListener = (transitions: MessageTransition[], stores: Stores) => Promise<void>;

export class IllegalTransitionError extends Error {
  constructor(
    readonly messageId: number,
    readonly from: MessageState | undefined,
    readonly to: MessageState,
  ) {
    super(from === undefined ? `message ${messageId} does not exist` : `message ${messageId} cannot move from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

/** Another writer moved a message between our read and our write; the moves are evaluated again. */
export class ConcurrentChangeError extends Error {}

interface Pending {
  original: MessageState;
  message: OutboundMessage;
  error: string;
  deviceId: number | undefined;
  isAttempt: boolean;
}

export class MessageService {
  private readonly listeners: TransitionListener[] = [];
  private readonly batcher: WriteBatcher<MoveRequest, MoveOutcome>;
  private readonly recent: RecentMessages | undefined;

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly wallet: WalletService,
    writeConcurrency = 1,
    /**
     * Messages to remember as last committed, so that the next move of one needs no read (0: none). Only
     * for a gateway that is the database's single writer (SQLite): other nodes' changes would go unseen.
     */
    recentLimit = 0,
  ) {
    this.recent = recentLimit > 0 ? new RecentMessages(recentLimit) : undefined;
    this.batcher = new WriteBatcher((moves) => this.moveMany(moves), () => 1, {
      maxWeight: 2000,
      concurrency: writeConcurrency,
      keyOf: (move) => move.messageId,
    });
  }

  /** Resolves once every write handed to this service has committed or failed (a closing gateway waits). */
  whenIdle(): Promise<void> {
    return this.batcher.whenIdle();
  }

  /** Messages just written in the state given (a push handed over at once): their first move needs no read. */
  remember(messages: readonly OutboundMessage[]): void {
    this.recent?.remember(messages);
  }

  onTransition(listener: TransitionListener): void {
    this.listeners.push(listener);
  }

  get(messageId: number): Promise<OutboundMessage | undefined> {
    return this.storage.stores.messages.findById(messageId);
  }

  timeline(messageId: number): Promise<MessageEvent[]> {
    return this.storage.stores.messages.timeline(messageId);
  }

  /** Moves one message; throws IllegalTransitionError for a move the state machine does not allow. */
  async move(messageId: number, to: MessageState, error = '', stores?: Stores): Promise<MessageTransition[]> {
    const [outcome] = await this.moveMany([{ messageId, to, error }], stores);
    if (!outcome!.isMoved) throw new IllegalTransitionError(messageId, outcome!.state, to);
    return outcome!.transitions;
  }

  /** Cancels (and refunds) every queued message of the channels; answers how many. */
  async cancelQueued(channelIds: readonly number[], reason: string): Promise<number> {
    let cancelled = 0;
    for (;;) {
      const queued = await this.storage.stores.messages.nextQueuedForChannels(channelIds, 5000);
      if (queued.length === 0) return cancelled;
      const outcomes = await this.moveMany(queued.map((message) => ({ messageId: message.id, to: 'cancelled' as const, error: reason })));
      cancelled += outcomes.filter((outcome) => outcome.isMoved).length;
    }
  }

  /** Queues a move to be written with the others of this moment; answers its outcome once committed. */
  async request(move: MoveRequest): Promise<MoveOutcome> {
    try {
      return await this.batcher.submit(move);
    } catch (error) {
      if (!(error instanceof ConcurrentChangeError)) throw error;
      const [outcome] = await this.moveMany([move]);
      return outcome!;
    }
  }

  /**
   * Applies moves in order, in one transaction; illegal ones are reported and skipped. A caller that has
   * just read the messages may pass them as `known` to save reading them again: the conditional update
   * still refuses any that changed meanwhile (ConcurrentChangeError, and nothing is written).
   */
  moveMany(moves: readonly MoveRequest[], stores?: Stores, known?: readonly OutboundMessage[]): Promise<MoveOutcome[]> {
    const { recent } = this;
    const ids = [...new Set(moves.map((move) => move.messageId))];
    if (stores) {
      // In someone else's transaction, which may still roll back: what is remembered of these is no longer sure.
      recent?.forget(ids);
      return this.applyIn(stores, moves, ids, known);
    }
    if (!recent) return this.storage.transaction((inner) => this.applyIn(inner, moves, ids, known));
    const settled: OutboundMessage[] = [];
    return this.storage.transaction((inner) => this.applyIn(inner, moves, ids, known ?? recent.getAll(ids), settled)).then(
      (outcomes) => {
        recent.remember(settled);
        return outcomes;
      },
      (error: unknown) => {
        recent.forget(ids);
        throw error;
      },
    );
  }

  /** `settled` (when given) receives the messages as this transaction leaves them. */
  private async applyIn(stores: Stores, moves: readonly MoveRequest[], ids: readonly number[], known?: readonly OutboundMessage[], settled?: OutboundMessage[]): Promise<MoveOutcome[]> {
    const at = this.clock.now();
    const found = known ?? (await stores.messages.findByIds(ids));
    const pending = new Map<number, Pending>(found.map((message) => [message.id, { original: message.state, message, error: '', deviceId: undefined, isAttempt: false }]));
    const transitions: MessageTransition[] = [];
    const refunds: OutboundMessage[] = [];
    const outcomes = moves.map((move): MoveOutcome => {
      const entry = pending.get(move.messageId);
      if (!entry) return { isMoved: false, reason: 'unknown', state: undefined };
      const from = entry.message.state;
      const via = move.via !== undefined && canMove(from, move.via) ? move.via : undefined;
      if (!canMove(via ?? from, move.to)) return { isMoved: false, reason: 'illegal', state: from };
      const error = move.error ?? '';
      const moved: MessageTransition[] = [];
      const step = (to: MessageState) => {
        const previous = entry.message.state;
        entry.message = { ...entry.message, state: to, lastError: error || entry.message.lastError };
        moved.push({ message: entry.message, from: previous, to, at, error });
      };
      if (move.to === 'sending') {
        entry.isAttempt = true;
        entry.deviceId = move.deviceId;
        entry.message = { ...entry.message, attempts: entry.message.attempts + 1, deviceId: move.deviceId ?? entry.message.deviceId };
      }
      if (via) step(via);
      step(move.to);
      if (error) entry.error = error;
      if ((move.to === 'failed' || move.to === 'cancelled') && (isRefundableFailure(from) || move.refund === true)) {
        refunds.push(entry.message);
        step('refunded');
      }
      transitions.push(...moved);
      return { isMoved: true, transitions: moved };
    });
    await this.persist(stores, pending, at);
    await stores.messages.insertEvents(transitions.map((tr) => ({ messageId: tr.message.id, state: tr.to, at, error: tr.error })));
    await this.refund(stores, refunds);
    if (transitions.length > 0) for (const listener of this.listeners) await listener(transitions, stores);
    if (settled) for (const entry of pending.values()) settled.push(entry.message);
    return outcomes;
  }

  /** One conditional UPDATE per group of messages that moved alike. */
  private async persist(stores: Stores, pending: Map<number, Pending>, at: number): Promise<void> {
    const groups = new Map<string, StateUpdate>();
    for (const entry of pending.values()) {
      if (entry.message.state === entry.original) continue;
      const key = [entry.original, entry.message.state, entry.error, entry.deviceId ?? '', entry.isAttempt].join('\u0000');
      let group = groups.get(key);
      if (!group) {
        group = { messageIds: [], from: entry.original, to: entry.message.state, at, error: entry.error, deviceId: entry.deviceId, isAttempt: entry.isAttempt };
        groups.set(key, group);
      }
      group.messageIds.push(entry.message.id);
    }
    for (const group of groups.values()) {
      const moved = await stores.messages.updateStates(group);
      if (moved !== group.messageIds.length) throw new ConcurrentChangeError(`messages changed under a ${group.from} → ${group.to} move`);
    }
  }

  private async refund(stores: Stores, messages: OutboundMessage[]): Promise<void> {
    const accounts = new Map<number, number>();
    for (const message of messages) {
      if (message.credit <= 0) continue;
      let accountId = accounts.get(message.projectId);
      if (accountId === undefined) {
        accountId = (await stores.projects.findById(message.projectId))!.accountId;
        accounts.set(message.projectId, accountId);
      }
      await this.wallet.refund({ accountId, amount: message.credit, reason: 'message not sent', reference: `message:${message.id}`, projectId: message.projectId }, stores);
    }
  }
}
