// Moves messages through the state machine: every move is checked, stored with its time in the
// message's timeline, refunded when the policy says so, and handed to listeners (the event webhook)
// inside the same transaction, so that no state change is ever reported without being stored.
import type { Clock } from '../clock.js';
import type { Storage, Stores } from '../stores.js';
import type { WalletService } from '../wallet-service.js';
import type { MessageEvent, MessageState, OutboundMessage } from './message.js';
import { canMove, isRefundableFailure } from './message-state.js';

export interface MessageTransition {
  message: OutboundMessage;
  from: MessageState;
  to: MessageState;
  at: number;
  error: string;
}

export type TransitionListener = (transitions: MessageTransition[], stores: Stores) => Promise<void>;

export class IllegalTransitionError extends Error {
  constructor(
    readonly messageId: number,
    readonly from: MessageState,
    readonly to: MessageState,
  ) {
    super(`message ${messageId} cannot move from ${from} to ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

export class UnknownMessageError extends Error {
  constructor(readonly messageId: number) {
    super(`message ${messageId} does not exist`);
    this.name = 'UnknownMessageError';
  }
}

export class MessageService {
  private readonly listeners: TransitionListener[] = [];

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly wallet: WalletService,
  ) {}

  onTransition(listener: TransitionListener): void {
    this.listeners.push(listener);
  }

  get(messageId: number): Promise<OutboundMessage | undefined> {
    return this.storage.stores.messages.findById(messageId);
  }

  timeline(messageId: number): Promise<MessageEvent[]> {
    return this.storage.stores.messages.timeline(messageId);
  }

  /**
   * Moves one message to `to`. A failure before the channel accepted the message, or a cancellation,
   * also refunds its credit (a second move, to `refunded`). Throws IllegalTransitionError for a move
   * the state machine does not allow, including one that lost a race with another move.
   */
  move(messageId: number, to: MessageState, error = '', stores?: Stores): Promise<MessageTransition[]> {
    if (stores) return this.moveIn(stores, messageId, to, error);
    return this.storage.transaction((inner) => this.moveIn(inner, messageId, to, error));
  }

  private async moveIn(stores: Stores, messageId: number, to: MessageState, error: string): Promise<MessageTransition[]> {
    const message = await stores.messages.findById(messageId);
    if (!message) throw new UnknownMessageError(messageId);
    const at = this.clock.now();
    const transitions = [await this.step(stores, message, to, at, error)];
    if ((to === 'failed' || to === 'cancelled') && isRefundableFailure(message.state)) {
      if (message.credit > 0) {
        const project = await stores.projects.findById(message.projectId);
        await this.wallet.refund(
          { accountId: project!.accountId, amount: message.credit, reason: `message ${to}`, reference: `message:${message.id}`, projectId: message.projectId },
          stores,
        );
      }
      transitions.push(await this.step(stores, { ...message, state: to }, 'refunded', at, error));
    }
    for (const listener of this.listeners) await listener(transitions, stores);
    return transitions;
  }

  private async step(stores: Stores, message: OutboundMessage, to: MessageState, at: number, error: string): Promise<MessageTransition> {
    const from = message.state;
    if (!canMove(from, to)) throw new IllegalTransitionError(message.id, from, to);
    const moved = await stores.messages.move({ messageId: message.id, from, to, at, error });
    if (!moved) {
      const current = await stores.messages.findById(message.id);
      throw new IllegalTransitionError(message.id, current?.state ?? from, to);
    }
    return { message: { ...message, state: to, lastError: error || message.lastError }, from, to, at, error };
  }
}
