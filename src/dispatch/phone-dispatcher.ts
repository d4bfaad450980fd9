// The send queue of phone-automation projects: takes queued messages by priority then age, chooses each
// one's device, honours every device's delay, pause and in-flight window, claims the messages in the
// database (queued → sending, with the device) and hands them over. The database is the queue: nothing
// here needs to survive a restart, and a claim that loses a race with another node simply moves on.
import { ConcurrentChangeError, PHONE_KINDS, writtenMessage, type Application, type ChannelService, type Clock, type DirectHandOver, type MessageService, type OutboundMessage, type PushDraft, type PushWriteResult, type QueuedHead, type Storage } from '../core/index.js';
import type { BridgeChannel, ConnectedDevice, DeviceDirectory } from '../channels/bridge/index.js';
import { WakeTimers } from './wake-timers.js';

export interface PhoneDispatcherDeps {
  storage: Storage;
  messages: MessageService;
  channels: ChannelService;
  bridge: BridgeChannel;
  directory: DeviceDirectory;
  clock: Clock;
  logError(error: unknown, context: string): void;
  /** Queued messages looked at per round. */
  windowSize?: number;
}

interface Claim {
  message: QueuedHead;
  device: ConnectedDevice;
}

export class PhoneDispatcher implements DirectHandOver {
  private readonly running = new Set<number>();
  private readonly again = new Set<number>();
  private readonly scheduled = new Set<number>();
  private readonly timers: WakeTimers;
  /** Projects whose last round left messages in the queue (window full, paced, paused devices). */
  private readonly backlog = new Set<number>();
  private readonly pollTimers: NodeJS.Timeout[] = [];
  private isClosed = false;
  /** Rounds and hand-overs under way: close waits for them, so their writes come before storage closes. */
  private readonly underWay = new Set<Promise<void>>();
  /** Pushes being written with messages for the queue, by project: until they are in it, none jumps it. */
  private readonly queueing = new Map<number, number>();
  private lastTicket = 0;

  constructor(private readonly deps: PhoneDispatcherDeps) {
    this.timers = new WakeTimers(deps.clock, (key) => this.wake(key), () => this.isClosed);
  }

  /** Something changed for the project (new push, device ready, room in a window): look at its queue. */
  wake(projectId: number): void {
    if (this.isClosed) return;
    if (this.running.has(projectId)) {
      this.again.add(projectId);
      return;
    }
    if (this.scheduled.has(projectId)) return;
    this.scheduled.add(projectId);
    // Wakes of the same moment (many reports, many pushes) become one round.
    setImmediate(() => {
      this.scheduled.delete(projectId);
      this.track(this.pump(projectId));
    });
  }

  /**
   * A device reported on a message, freeing room in its window: that matters only when messages are
   * waiting, so projects with an empty queue are not scanned again for every report.
   */
  roomFreed(projectId: number): void {
    if (this.backlog.has(projectId)) this.wake(projectId);
  }

  /**
   * A push was written. Its messages that went to the queue marked the project's backlog when written
   * (see `book`); a push handed over whole needs no round.
   */
  accepted(projectId: number): void {
    if (this.backlog.has(projectId)) this.wake(projectId);
  }

  /**
   * Looks at every listed project's queue every `intervalMs`. Wake-ups are in-process: with several
   * gateway nodes on one PostgreSQL, a push accepted by another node reaches this node's devices by this
   * poll, within `intervalMs`.
   */
  poll(intervalMs: number, projects: () => Iterable<number>): void {
    const timer = setInterval(() => {
      for (const projectId of projects()) this.wake(projectId);
    }, intervalMs);
    timer.unref();
    this.pollTimers.push(timer);
  }

  /**
   * A push whose project has nothing waiting in the queue: each message a connected device can take now
   * is booked for it and written already handed over, then sent once committed, so it needs no round
   * (queue read, claim transaction) of its own. Messages no device can take now go to the queue as
   * before, and later pushes of the project queue behind them until a round has emptied it.
   */
  book(draft: PushDraft): ((result: PushWriteResult | undefined) => void) | undefined {
    const { projectId } = draft;
    if (this.isClosed || !PHONE_KINDS.includes(draft.application as Application)) return undefined;
    const isQueueEmpty = !this.backlog.has(projectId) && !this.queueing.has(projectId);
    const connected = this.deps.directory.connectedFor(projectId);
    const devices = isQueueEmpty ? connected.filter((device) => !device.device.isMessageQueuePaused) : [];
    const now = this.deps.clock.now();
    const booked: { index: number; device: ConnectedDevice; ticket: number }[] = [];
    for (const [index, message] of draft.messages.entries()) {
      // Uploaded media gets its id when written; those messages take the queue.
      if (devices.length === 0 || message.upload !== undefined) continue;
      const device = this.deps.bridge.pickDevice({ recipient: message.recipient, application: draft.application }, devices);
      if (!device?.canTakeMessage(now)) continue;
      // Booked under a ticket (negative: no message has that id) until the message has its id.
      const ticket = -++this.lastTicket;
      device.reserve(ticket, now);
      message.deviceId = device.device.id;
      booked.push({ index, device, ticket });
    }
    const isQueueing = booked.length < draft.messages.length;
    if (isQueueing) this.queueing.set(projectId, (this.queueing.get(projectId) ?? 0) + 1);
    return (result) => {
      for (const { device, ticket } of booked) device.release(ticket);
      if (isQueueing) {
        const count = this.queueing.get(projectId)! - 1;
        if (count === 0) this.queueing.delete(projectId);
        else this.queueing.set(projectId, count);
        if (result?.outcome === 'written') this.backlog.add(projectId);
      }
      if (result?.outcome !== 'written') return;
      // With a device connected, queued ones too: the round that claims them soon then needs no read. (Not
      // without one: nothing would claim them before they are forgotten. An upload's media id is given at
      // the write, so those are read.)
      if (isQueueing && connected.length > 0) {
        const isBooked = new Set(booked.map(({ index }) => index));
        const queued = draft.messages.flatMap((message, index) => (message.upload === undefined && !isBooked.has(index) ? [writtenMessage(draft, result, index)] : []));
        this.deps.messages.remember(queued);
      }
      if (booked.length === 0) return;
      const messages = booked.map(({ index }) => writtenMessage(draft, result, index));
      this.deps.messages.remember(messages);
      this.track(this.sendWritten(messages).catch((error: unknown) => this.deps.logError(error, `hand-over for project ${projectId}`)));
    };
  }

  /** Stops waking; resolves once the rounds and hand-overs under way have ended. */
  async close(): Promise<void> {
    this.isClosed = true;
    for (const timer of this.pollTimers) clearInterval(timer);
    this.timers.clear();
    while (this.underWay.size > 0) await Promise.allSettled([...this.underWay]);
  }

  private track(work: Promise<void>): void {
    this.underWay.add(work);
    work.finally(() => this.underWay.delete(work)).catch(() => undefined);
  }


  private async pump(projectId: number): Promise<void> {
    this.running.add(projectId);
    try {
      while (!this.isClosed && (await this.round(projectId)));
    } catch (error) {
      this.backlog.add(projectId);
      this.deps.logError(error, `dispatch for project ${projectId}`);
      this.timers.at(projectId, this.deps.clock.now() + 1000);
    } finally {
      this.running.delete(projectId);
      if (this.again.delete(projectId)) this.wake(projectId);
    }
  }

  /** One round: answers whether it handed messages over (another round may find more). */
  private async round(projectId: number): Promise<boolean> {
    const devices = this.deps.directory.connectedFor(projectId).filter((device) => !device.device.isMessageQueuePaused);
    // Until a round proves the queue empty, assume there is work waiting. (Set here, not while the round
    // runs: a report during a round that empties the queue must not start another that reads nothing.)
    const now = this.deps.clock.now();
    if (!devices.some((device) => device.canTakeMessage(now))) {
      this.backlog.add(projectId);
      this.wakeWhenPaced(projectId, devices, now);
      return false;
    }
    // Read no more of the queue than the devices can take now (plus slack for recipients whose device is
    // busy): a long backlog must not be re-read in full on every round.
    const room = devices.reduce((sum, device) => sum + device.freeSlots(now), 0);
    const windowSize = Math.min(this.deps.windowSize ?? 500, room + 20);
    // Only the channels some connected device carries: their queues are the ones that can move.
    const carried = new Set(devices.flatMap((device) => device.device.applications));
    const channelIds = (await this.deps.channels.listForProject(projectId))
      .filter((channel) => PHONE_KINDS.includes(channel.kind) && carried.has(channel.kind))
      .map((channel) => channel.id);
    const queued = await this.deps.storage.stores.messages.peekQueued(channelIds, windowSize);
    if (queued.length === 0) {
      this.backlog.delete(projectId);
      return false;
    }

    // A device that cannot take its next message blocks the rest of its messages this round, so each
    // device still sends strictly by priority, then age.
    const blocked = new Set<ConnectedDevice>();
    const claims: Claim[] = [];
    for (const message of queued) {
      const device = this.deps.bridge.pickDevice(message, devices);
      if (!device || blocked.has(device)) continue;
      if (!device.canTakeMessage(now)) {
        blocked.add(device);
        continue;
      }
      device.reserve(message.id, now);
      claims.push({ message, device });
      if (device.device.delayMs > 0) blocked.add(device);
    }
    this.backlog.add(projectId);
    if (claims.length === 0) {
      this.wakeWhenPaced(projectId, devices, now);
      return false;
    }
    if (!(await this.handOver(claims))) return true;
    if (blocked.size > 0) this.wakeWhenPaced(projectId, [...blocked], now);
    if (claims.length === queued.length && queued.length < windowSize) {
      this.backlog.delete(projectId);
      return false;
    }
    return true;
  }

  /** Claims and sends; answers false when the claim found messages changed since they were read. */
  private async handOver(claims: Claim[]): Promise<boolean> {
    let outcomes;
    try {
      const moves = claims.map(({ message, device }) => ({ messageId: message.id, to: 'sending' as const, deviceId: device.device.id }));
      outcomes = await this.deps.messages.moveMany(moves);
    } catch (error) {
      for (const { message, device } of claims) device.release(message.id);
      // Some of the messages changed since they were read (cancelled, taken by another node): the next
      // round reads the queue again.
      if (error instanceof ConcurrentChangeError) return false;
      throw error;
    }
    const moved: OutboundMessage[] = [];
    for (const [index, { message, device }] of claims.entries()) {
      const outcome = outcomes[index]!;
      if (outcome.isMoved) moved.push(outcome.transitions[0]!.message);
      else device.release(message.id);
    }
    await this.sendWritten(moved);
    return true;
  }

  /** Sends messages held by their device in the database; one whose device has gone goes back to the queue. */
  private async sendWritten(messages: readonly OutboundMessage[]): Promise<void> {
    for (const message of messages) {
      const sent = await this.deps.bridge.send(message);
      if (sent.outcome !== 'failed') continue;
      if (message.deviceId !== null) this.deps.directory.connected(message.deviceId)?.release(message.id);
      this.deps.messages.request({ messageId: message.id, to: 'queued', error: sent.reason }).catch((error: unknown) => {
        // Left in `sending`: resent when the device reconnects, or queued again once it is marked offline.
        this.deps.logError(error, `message ${message.id} → queued`);
      });
    }
  }

  private wakeWhenPaced(projectId: number, devices: ConnectedDevice[], now: number): void {
    const next = devices.map((device) => device.nextSendAt).filter((at) => at > now);
    if (next.length > 0) this.timers.at(projectId, Math.min(...next));
  }
}
