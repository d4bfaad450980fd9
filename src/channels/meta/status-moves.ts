// Moves one of our messages to the state a Meta receipt reports, through the states it skipped (a read
// receipt may arrive before, or without, the delivery receipt), and never backwards: receipts repeat and
// arrive out of order.
import type { MessageService, MessageState } from '../../core/index.js';

const ORDER: MessageState[] = ['queued', 'sending', 'submitted', 'delivered', 'read'];

export async function advanceTo(messages: MessageService, messageId: number, target: 'submitted' | 'delivered' | 'read'): Promise<void> {
  const message = await messages.get(messageId);
  if (!message) return;
  const at = ORDER.indexOf(message.state);
  // Failed, cancelled or refunded messages stay as they are; so does one already past the target.
  if (at === -1) return;
  // A step refused as illegal was taken meanwhile (the dispatcher recording `submitted` as the receipt
  // comes): the next step is still due. A message that failed meanwhile refuses them all, harmlessly.
  for (const to of ORDER.slice(Math.max(at + 1, 2), ORDER.indexOf(target) + 1)) await messages.request({ messageId, to });
}

/** A failure Meta reported after taking the message: failed, and refunded (Meta bills no failed message). */
export async function failAfterSubmit(messages: MessageService, messageId: number, error: string): Promise<void> {
  const message = await messages.get(messageId);
  if (!message || (message.state !== 'sending' && message.state !== 'submitted')) return;
  await messages.request({ messageId, to: 'failed', error, refund: true });
}
