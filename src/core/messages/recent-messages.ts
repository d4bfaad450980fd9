// The messages a single-writer gateway (SQLite) moved last, as it committed them: a report on a message
// just handed over finds it here instead of reading it again. Every state change goes through the
// message service, whose updates still check the state they start from, so a stale entry can only make a
// move fail and be tried again from the database, never apply to the wrong state.
import type { OutboundMessage } from './message.js';

export class RecentMessages {
  /** Insertion order is age: the first key is the one to forget when full. */
  private readonly messages = new Map<number, OutboundMessage>();

  constructor(private readonly limit: number) {}

  /** The messages, if every one of them is known; otherwise undefined (they are read together). */
  getAll(ids: readonly number[]): OutboundMessage[] | undefined {
    const found: OutboundMessage[] = [];
    for (const id of ids) {
      const message = this.messages.get(id);
      if (!message) return undefined;
      found.push(message);
    }
    return found;
  }

  remember(messages: readonly OutboundMessage[]): void {
    for (const message of messages) {
      this.messages.delete(message.id);
      this.messages.set(message.id, message);
    }
    while (this.messages.size > this.limit) this.messages.delete(this.messages.keys().next().value!);
  }

  forget(ids: readonly number[]): void {
    for (const id of ids) this.messages.delete(id);
  }
}
