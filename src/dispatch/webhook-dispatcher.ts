// Works the webhook outbox: turns report items into batched calls, takes new calls handed over already
// claimed and claims due ones through the database (every call is a row under a lease, so a restart
// resumes from the rows), calls them with a bounded number in flight, records each outcome, and queues
// the instant replies whose time has come. Calls travel in lanes (one project's calls to one origin),
// each with its own bound, so that a receiver that hangs holds its own lane's slots and no one else's.
import type { AttemptOutcome, Clock, InstantReplySender, LocalWebhookWorker, Project, WebhookCaller, WebhookDelivery, WebhookLane, WebhookService } from '../core/index.js';
import { SerialTask } from './serial-task.js';

export interface WebhookDispatcherSettings {
  /** Calls in flight at most, on this node. */
  concurrency: number;
  /** Calls of one project to one origin in flight at most, on this node. */
  perOrigin: number;
  timeoutMs: number;
  /** How often due retries and delayed replies are looked for, besides the immediate wake-ups. */
  pollMs: number;
  batchMs: number;
}

export interface WebhookDispatcherDeps {
  /** The project of a delivery (its signing secret), current. */
  findProject(projectId: number): Promise<Project | undefined>;
  webhooks: WebhookService;
  caller: WebhookCaller;
  replies: InstantReplySender;
  clock: Clock;
  settings: WebhookDispatcherSettings;
  logError(error: unknown, context: string): void;
}

/** One project's calls to one origin on this node: how many are in flight, and whether more may be due. */
interface Lane {
  key: string;
  projectId: number;
  /** The URLs seen in this lane (the rows store URLs, not origins). */
  urls: Set<string>;
  running: number;
  /** More of its calls may be due: claimed for this lane alone when it has room. */
  isBacklogged: boolean;
}

/** A claimed call is due again after its time limit plus this margin, should this node die holding it. */
const LEASE_MARGIN_MS = 10_000;
const REPLY_BATCH = 100;
const REPLY_RETRY_MS = 5_000;

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

export class WebhookDispatcher implements LocalWebhookWorker {
  private running = 0;
  /** Calls begun since the start (a claim round that begins none stops). */
  private begun = 0;
  private isClosed = false;
  private isStarted = false;
  private readonly lanes = new Map<string, Lane>();
  /** Due calls of lanes not active here may be waiting: the next claim looks outside the known lanes. */
  private shouldLookOutside = false;
  /** Claimed calls that could not be sent (their lane filled up): released together, due again at once. */
  private unsent: WebhookDelivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers: NodeJS.Timeout[] = [];
  /** Cuts the calls in flight when the dispatcher closes (they are released, not recorded as failures). */
  private readonly stopping = new AbortController();

  private readonly claimer = new SerialTask(() => this.claimAndBegin(), () => this.isClosed);
  private readonly replySender = new SerialTask(() => this.sendRepliesDueNow(), () => this.isClosed);

  constructor(private readonly deps: WebhookDispatcherDeps) {}

  get leaseMs(): number {
    return this.deps.settings.timeoutMs + LEASE_MARGIN_MS;
  }

  /** Only a started dispatcher takes calls handed over (one-shot CLI commands never start one). */
  hasRoom(projectId: number, url: string): boolean {
    if (!this.isStarted || this.isClosed || this.running >= this.deps.settings.concurrency) return false;
    return (this.lanes.get(this.keyOf(projectId, url))?.running ?? 0) < this.deps.settings.perOrigin;
  }

  take(delivery: WebhookDelivery): void {
    const lane = this.laneOf(delivery);
    if (!this.isClosed && this.canBegin(lane)) return this.begin(delivery, lane);
    // Several calls of one lane stored in one transaction all saw room: those over the bound are let go.
    lane.isBacklogged = !this.isClosed;
    this.forgetIfIdle(lane);
    this.releaseLater(delivery);
  }

  start(): void {
    this.isStarted = true;
    const { pollMs, batchMs } = this.deps.settings;
    this.timers.push(setInterval(() => this.poll(), pollMs));
    // Report batches are looked at several times per window, so none waits much longer than the window.
    this.timers.push(setInterval(() => this.track(this.flushBatches()), Math.max(20, Math.min(batchMs / 4, 1000))));
    for (const timer of this.timers) timer.unref();
    this.poll();
  }

  /** A new call was queued: claim and send it now (in its lane, when known). */
  wake(projectId?: number, url?: string): void {
    if (this.isClosed) return;
    const lane = projectId === undefined || url === undefined ? undefined : this.lanes.get(this.keyOf(projectId, url));
    if (lane) {
      lane.urls.add(url!);
      lane.isBacklogged = true;
    } else this.shouldLookOutside = true;
    this.track(this.pump());
  }

  /** Retries that have come due, and delayed replies whose time has come. */
  private poll(): void {
    if (this.isClosed) return;
    this.lookEverywhere();
    this.track(this.pump());
    this.track(this.sendDueReplies());
  }

  private lookEverywhere(): void {
    this.shouldLookOutside = true;
    for (const lane of this.lanes.values()) lane.isBacklogged = true;
  }

  /** For tests: make report batches, send everything due, and wait until all of it is recorded. */
  async runDue(forceBatches = false): Promise<void> {
    await this.flushBatches(forceBatches);
    this.lookEverywhere();
    await this.pump();
    await this.settle();
    await this.sendDueReplies();
    await this.settle();
  }

  /**
   * Stops: no more claims, and the calls in flight are cut at once (whatever their receivers do) and
   * released, due again at once for the next node or start. Resolves once those releases are written.
   */
  async close(): Promise<void> {
    this.isClosed = true;
    for (const timer of this.timers) clearInterval(timer);
    this.stopping.abort();
    await this.settle();
  }

  private async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private track(work: Promise<void>): void {
    const tracked = work.catch((error: unknown) => this.deps.logError(error, 'webhook dispatch')).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  private async flushBatches(force = false): Promise<void> {
    try {
      if ((await this.deps.webhooks.flushEventBatches(force)) > 0) this.wake();
    } catch (error) {
      this.deps.logError(error, 'webhook report batches');
    }
  }

  private pump(): Promise<void> {
    return this.claimer.run();
  }

  private keyOf(projectId: number, url: string): string {
    return `${projectId} ${originOf(url)}`;
  }

  private laneOf(delivery: WebhookDelivery): Lane {
    const key = this.keyOf(delivery.projectId, delivery.url);
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { key, projectId: delivery.projectId, urls: new Set(), running: 0, isBacklogged: false }));
    lane.urls.add(delivery.url);
    return lane;
  }

  private forgetIfIdle(lane: Lane): void {
    if (lane.running === 0 && !lane.isBacklogged) this.lanes.delete(lane.key);
  }

  private canBegin(lane: Lane): boolean {
    return this.running < this.deps.settings.concurrency && lane.running < this.deps.settings.perOrigin;
  }

  private toWire(lane: Lane): WebhookLane {
    return { projectId: lane.projectId, urls: [...lane.urls] };
  }

  /**
   * Claims due calls until every slot is busy or nothing more is due: first outside the lanes active
   * here, a lane's bound at most (a new lane starts empty, so it cannot go over), then for each lane
   * known to have a backlog, up to its room (so a lane never gets more than it may send). Lanes take
   * turns: one served goes to the back. The claims of one round are submitted together and share a
   * transaction.
   */
  private async claimAndBegin(): Promise<void> {
    const { concurrency, perOrigin } = this.deps.settings;
    while (!this.isClosed && this.running < concurrency) {
      let room = concurrency - this.running;
      const claims: Promise<void>[] = [];
      if (this.shouldLookOutside) {
        const limit = Math.min(room, perOrigin);
        room -= limit;
        // Active lanes are left out: they take their calls below, within their room.
        const except = [...this.lanes.values()].filter((lane) => lane.running > 0 || lane.isBacklogged).map((lane) => this.toWire(lane));
        this.shouldLookOutside = false;
        claims.push(
          this.deps.webhooks.claimDue(limit, this.leaseMs, { except }).then((claimed) => {
            if (claimed.length === limit) this.shouldLookOutside = true;
            this.beginClaimed(claimed);
          }),
        );
      }
      for (const lane of [...this.lanes.values()]) {
        if (room === 0) break;
        const limit = Math.min(room, perOrigin - lane.running);
        if (!lane.isBacklogged || limit <= 0) continue;
        room -= limit;
        this.lanes.delete(lane.key);
        this.lanes.set(lane.key, lane);
        claims.push(
          this.deps.webhooks.claimDue(limit, this.leaseMs, { only: this.toWire(lane) }).then((claimed) => {
            if (claimed.length < limit) lane.isBacklogged = false;
            this.beginClaimed(claimed);
            this.forgetIfIdle(lane);
          }),
        );
      }
      if (claims.length === 0) break;
      const begunBefore = this.begun;
      await Promise.all(claims);
      // Nothing could start (nothing due, or all of it let go): the next wake-up or poll looks again.
      if (this.begun === begunBefore || !this.hasBacklog()) break;
    }
  }

  private hasBacklog(): boolean {
    if (this.shouldLookOutside) return true;
    for (const lane of this.lanes.values()) if (lane.isBacklogged && lane.running < this.deps.settings.perOrigin) return true;
    return false;
  }

  private beginClaimed(claimed: WebhookDelivery[]): void {
    for (const delivery of claimed) {
      const lane = this.laneOf(delivery);
      if (!this.isClosed && this.canBegin(lane)) this.begin(delivery, lane);
      else {
        // A URL of an active lane's origin not seen before, or a closing dispatcher: not sent, let go.
        lane.isBacklogged = !this.isClosed;
        this.forgetIfIdle(lane);
        this.releaseLater(delivery);
      }
    }
  }

  /** Releases in one write the calls let go in this turn. */
  private releaseLater(delivery: WebhookDelivery): void {
    this.unsent.push(delivery);
    if (this.unsent.length > 1) return;
    this.track(
      new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        const unsent = this.unsent;
        this.unsent = [];
        return this.deps.webhooks.releaseUnsent(unsent);
      }),
    );
  }

  private begin(delivery: WebhookDelivery, lane: Lane): void {
    this.running += 1;
    this.begun += 1;
    lane.running += 1;
    this.track(this.deliver(delivery, lane));
  }

  private finished(lane: Lane): void {
    this.running -= 1;
    lane.running -= 1;
    this.forgetIfIdle(lane);
    if (this.isClosed) return;
    // With a backlog, a freed slot is refilled at once (the claim is submitted now, so it joins the
    // outcome's transaction). Without one, new calls come with their own wake-up, retries with the poll.
    if (this.hasBacklog()) this.track(this.pump());
  }

  private async deliver(delivery: WebhookDelivery, lane: Lane): Promise<void> {
    let outcome: AttemptOutcome;
    try {
      const project = await this.deps.findProject(delivery.projectId);
      outcome = project
        ? (await this.deps.caller.call({ url: delivery.url, format: delivery.format, payload: delivery.payload, eventId: delivery.eventId, secret: project.webhookSecret, attempt: delivery.attempts }, this.stopping.signal)).outcome
        : { isDelivered: false, error: 'the project no longer exists', responseCode: null, latencyMs: null };
    } catch (error) {
      // The delivery stays leased and is due again when the lease ends.
      this.finished(lane);
      throw error;
    }
    if (!outcome.isDelivered && this.stopping.signal.aborted) {
      // Cut by the close, not judged by the receiver: due again at once rather than after a retry wait.
      this.finished(lane);
      return this.deps.webhooks.releaseUnsent([delivery]);
    }
    // The slot is free once the answer is in: the next claim joins this outcome's transaction. The
    // delivery stays claimed (leased) until the outcome is recorded, so it cannot be taken twice.
    const recorded = this.deps.webhooks.recordOutcome(delivery, outcome);
    this.finished(lane);
    await recorded;
    if (outcome.isDelivered && outcome.reply && delivery.kind === 'inbound' && outcome.reply.delaySeconds === 0) await this.sendDueReplies();
  }

  private sendDueReplies(): Promise<void> {
    return this.replySender.run();
  }

  private async sendRepliesDueNow(): Promise<void> {
    const { webhooks, replies } = this.deps;
    for (;;) {
      const due = await webhooks.claimDueReplies(REPLY_BATCH, this.leaseMs);
      if (due.length === 0) return;
      await Promise.all(
        due.map(async (delivery) => {
          try {
            const result = await replies.send(delivery);
            await webhooks.settleReply(delivery.id, result.isQueued ? { state: 'queued', pushId: result.pushId } : { state: 'failed', error: result.error });
          } catch (error) {
            this.deps.logError(error, `instant reply of webhook delivery ${delivery.id}`);
            await webhooks.settleReply(delivery.id, { state: 'pending', retryInMs: REPLY_RETRY_MS, error: (error as Error).message });
          }
        }),
      );
      if (due.length < REPLY_BATCH) return;
    }
  }
}
