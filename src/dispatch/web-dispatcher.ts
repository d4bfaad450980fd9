// The send queue of WhatsApp Web channels: one message at a time per channel, high priority first, then
// oldest, with a randomised gap between messages (a steady machine rhythm is what gets numbers banned).
// Claims go through the database (queued → sending), so a restart loses nothing.
import { ConcurrentChangeError, type Channel, type Clock, type MessageService, type Storage } from '../core/index.js';
import { SerialTask } from './serial-task.js';
import { WakeTimers } from './wake-timers.js';

export interface SendGap {
  minMs: number;
  maxMs: number;
}

export interface WebDispatcherDeps {
  storage: Storage;
  messages: MessageService;
  channel: Channel;
  /** Whether the channel's session is connected on this node. */
  isReady(channelId: number): boolean;
  /** Puts back in the queue what the channel's earlier sockets left `sending`. */
  requeueUnsent(channelId: number): Promise<void>;
  clock: Clock;
  /** The gateway's default gap; a channel's settings `send_gap_min_ms` / `send_gap_max_ms` override it. */
  gap: SendGap;
  /** Sends that may fail with a retryable error before the message fails for good. */
  maxAttempts: number;
  random?: () => number;
  logError(error: unknown, context: string): void;
}

/** After a failure worth retrying, the queue rests at least this long. */
const RETRY_PAUSE_MS = 5_000;

export class WebDispatcher {
  private readonly tasks = new Map<number, SerialTask>();
  private readonly nextSendAt = new Map<number, number>();
  /** Channels whose session (re)connected: what an earlier socket left `sending` goes back first. */
  private readonly needsRequeue = new Set<number>();
  private readonly timers: WakeTimers;
  private pollTimer: NodeJS.Timeout | undefined;
  private isClosed = false;

  constructor(private readonly deps: WebDispatcherDeps) {
    this.timers = new WakeTimers(deps.clock, (key) => this.wake(key), () => this.isClosed);
  }

  wake(channelId: number): void {
    if (this.isClosed) return;
    let task = this.tasks.get(channelId);
    if (!task) {
      task = new SerialTask(() => this.drain(channelId), () => this.isClosed);
      this.tasks.set(channelId, task);
    }
    task.run().catch((error: unknown) => this.deps.logError(error, `WhatsApp Web dispatch for channel ${channelId}`));
  }

  /** The channel's session has connected (again). */
  connected(channelId: number): void {
    this.needsRequeue.add(channelId);
    this.wake(channelId);
  }

  /** Looks at the listed channels' queues every `intervalMs` (pushes accepted by other nodes). */
  poll(intervalMs: number, channels: () => Iterable<number>): void {
    this.pollTimer = setInterval(() => {
      for (const channelId of channels()) this.wake(channelId);
    }, intervalMs);
    this.pollTimer.unref();
  }

  /** Stops waking; resolves once the sends under way have been recorded (before storage closes). */
  async close(): Promise<void> {
    this.isClosed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.timers.clear();
    await Promise.all([...this.tasks.values()].map((task) => task.whenIdle()));
  }

  private async drain(channelId: number): Promise<void> {
    while (!this.isClosed && this.deps.isReady(channelId)) {
      // Between two sends (the loop handles one at a time), so no message being handled is put back.
      if (this.needsRequeue.delete(channelId)) await this.deps.requeueUnsent(channelId);
      const now = this.deps.clock.now();
      const due = this.nextSendAt.get(channelId) ?? 0;
      if (due > now) return this.timers.at(channelId, due);
      const [head] = await this.deps.storage.stores.messages.nextQueued(channelId, 1);
      if (!head) return;
      // Another claimer moving the message first is expected (read the queue again); any other error
      // leaves the loop, so a failing database is retried at the next poll instead of in a busy loop.
      const [claim] = await this.deps.messages.moveMany([{ messageId: head.id, to: 'sending' }], undefined, [head]).catch((error: unknown) => {
        if (error instanceof ConcurrentChangeError) return [undefined];
        throw error;
      });
      if (!claim?.isMoved) continue;
      const gap = await this.gapFor(channelId);
      this.nextSendAt.set(channelId, now + gap);
      const message = claim.transitions[0]!.message;
      const sent = await this.deps.channel.send(message).catch((error: unknown) => ({ outcome: 'failed' as const, isRetryable: true, reason: `WhatsApp Web send failed: ${(error as Error).message}` }));
      if (sent.outcome === 'failed') {
        // The queue is read oldest first: a message retried for ever would hold up every later one.
        const isRetried = sent.isRetryable && message.attempts < this.deps.maxAttempts;
        if (isRetried) this.nextSendAt.set(channelId, now + Math.max(gap, RETRY_PAUSE_MS));
        const error = sent.isRetryable && !isRetried ? `${sent.reason} (gave up after ${message.attempts} attempts)` : sent.reason;
        await this.deps.messages.request({ messageId: head.id, to: isRetried ? 'queued' : 'failed', error });
      } else if (sent.outcome === 'submitted') {
        await this.deps.messages.request({ messageId: head.id, to: 'submitted' });
      }
    }
  }

  private async gapFor(channelId: number): Promise<number> {
    const channel = await this.deps.storage.stores.channels.findById(channelId);
    const setting = (name: string, fallback: number) => {
      const value = channel?.settings[name];
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : fallback;
    };
    const minMs = setting('send_gap_min_ms', this.deps.gap.minMs);
    const maxMs = Math.max(minMs, setting('send_gap_max_ms', this.deps.gap.maxMs));
    return Math.round(minMs + (maxMs - minMs) * (this.deps.random ?? Math.random)());
  }

}
