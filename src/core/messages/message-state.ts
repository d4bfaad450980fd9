// The one state machine of every outbound message, on every channel:
//   queued → sending → submitted → delivered → read, or failed / cancelled, and refunded when the
//   credit went back. Which moves are legal, and what each state means to the report APIs.
import type { MessageState } from './message.js';

const LEGAL_MOVES: Record<MessageState, readonly MessageState[]> = {
  queued: ['sending', 'cancelled', 'failed'],
  // Back to queued when a retryable failure or a lost device sends it round again.
  sending: ['submitted', 'failed', 'queued', 'cancelled'],
  // Some channels report read without delivered first.
  submitted: ['delivered', 'read', 'failed'],
  delivered: ['read'],
  read: [],
  failed: ['refunded'],
  cancelled: ['refunded'],
  refunded: [],
};

export function canMove(from: MessageState, to: MessageState): boolean {
  return LEGAL_MOVES[from].includes(to);
}

/** States whose failure means the channel never took the message: the credit goes back. */
export function isRefundableFailure(from: MessageState): boolean {
  return from === 'queued' || from === 'sending';
}

/** `delivery-report` status: 0 unknown (not yet delivered), 1 delivered, 2 failed, 3 read. */
export function reportStatus(state: MessageState): number {
  switch (state) {
    case 'delivered':
      return 1;
    case 'read':
      return 3;
    case 'failed':
    case 'cancelled':
    case 'refunded':
      return 2;
    default:
      return 0;
  }
}

/** Event webhook status (4 submitted, 1 delivered, 3 read, 2 failed, 5 refunded); undefined: not reported. */
export function eventStatus(state: MessageState): number | undefined {
  const statuses: Partial<Record<MessageState, number>> = { submitted: 4, delivered: 1, read: 3, failed: 2, cancelled: 2, refunded: 5 };
  return statuses[state];
}
