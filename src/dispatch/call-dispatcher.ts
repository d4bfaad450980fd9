// The call queue of phone-automation projects, apart from the message queue: queued conferences go by
// priority then age to connected devices that carry calls, one conference at a time per device, claimed
// in the database (queued → dialing) so that two nodes never hand out the same one. It also cancels
// calls left unanswered past the timeout. Nothing here needs to survive a restart.
import type { CallService, Clock } from '../core/index.js';
import { callFrame } from '../bridge/index.js';
import type { DeviceDirectory } from '../channels/bridge/index.js';
import { SerialTask } from './serial-task.js';

export interface CallDispatcherDeps {
  calls: CallService;
  directory: DeviceDirectory;
  clock: Clock;
  logError(error: unknown, context: string): void;
}

/** Queued conferences looked at per round: more than enough for the devices of one project. */
const WINDOW = 50;

export class CallDispatcher {
  /** One round at a time per project: a wake during a round runs one more after it. */
  private readonly rounds = new Map<number, SerialTask>();
  private readonly timers: NodeJS.Timeout[] = [];
  private isClosed = false;

  constructor(private readonly deps: CallDispatcherDeps) {}

  /** A conference was queued, a device connected or resumed its call queue, or a conference ended. */
  wake(projectId: number): void {
    if (this.isClosed) return;
    let task = this.rounds.get(projectId);
    if (!task) this.rounds.set(projectId, (task = new SerialTask(() => this.round(projectId), () => this.isClosed)));
    task.run().catch((error: unknown) => this.deps.logError(error, `call dispatch for project ${projectId}`));
  }

  /**
   * Every `intervalMs`: the queues of projects with devices here (conferences accepted by another node
   * reach them this way), and the unanswered-call timeout.
   */
  poll(intervalMs: number, projects: () => Iterable<number>): void {
    const timer = setInterval(() => {
      for (const projectId of projects()) this.wake(projectId);
      this.deps.calls.expireStale().catch((error: unknown) => this.deps.logError(error, 'stale calls'));
    }, intervalMs);
    timer.unref();
    this.timers.push(timer);
  }

  /** Stops waking; resolves once the rounds under way have ended (their writes come before storage closes). */
  async close(): Promise<void> {
    this.isClosed = true;
    for (const timer of this.timers) clearInterval(timer);
    await Promise.all([...this.rounds.values()].map((round) => round.whenIdle()));
  }

  private async round(projectId: number): Promise<void> {
    const devices = this.deps.directory.connectedFor(projectId).filter(({ device }) => device.applications.includes(4) && !device.isCallQueuePaused);
    if (devices.length === 0) return;
    const queued = await this.deps.calls.nextQueued(projectId, WINDOW);
    const taken = new Set<number>();
    for (const connected of devices) {
      if (queued.length === taken.size) return;
      if ((await this.deps.calls.heldBy(connected.device.id)).length > 0) continue;
      const conference = queued.find((candidate) => !taken.has(candidate.id) && candidate.memberCount <= connected.device.maxCallMembers);
      if (!conference) continue;
      taken.add(conference.id);
      const calls = await this.deps.calls.claim(conference, connected.device.id);
      if (calls) connected.sendCall(callFrame(conference, calls));
    }
  }
}
