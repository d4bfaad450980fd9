// Works the webhook outbox: turns report items into batched calls, takes new calls handed over already
// claimed and claims due ones through the database (every call is a row under a lease, so a restart
// resumes from the rows), calls them with a bounded number in flight, records each outcome, and queues
// the instant replies whose time has come.
import type { AttemptOutcome, Clock, InstantReplySender, LocalWebhookWorker, Project, WebhookCaller, WebhookDelivery, WebhookService } from '../core/index.js';
import { SerialTask } from './serial-task.js';

export interface WebhookDispatcherSettings {
  /** Calls in flight at most, on this node. */
  concurrency: number;
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

/** A claimed call is due again after its time limit plus this margin, should this node die holding it. */
const LEASE_MARGIN_MS = 10_000;
const REPLY_BATCH = 100;
const REPLY_RETRY_MS = 5_000;

export class WebhookDispatcher implements LocalWebhookWorker {
  private running = 0;
  private isClosed = false;
  private isStarted = false;
  /** Calls handed over (already claimed for this process) while every slot was busy. */
  private readonly ready: WebhookDelivery[] = [];
  /** The last claim got all it asked for: more may be due, so a freed slot should look again. */
  private mayHaveMore = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers: NodeJS.Timeout[] = [];

  private readonly claimer = new SerialTask(() => this.claimAndBegin(), () => this.isClosed);
  private readonly replySender = new SerialTask(() => this.sendRepliesDueNow(), () => this.isClosed);

  constructor(private readonly deps: WebhookDispatcherDeps) {}

  get leaseMs(): number {
    return this.deps.settings.timeoutMs + LEASE_MARGIN_MS;
  }

  /** Only a started dispatcher takes calls handed over (one-shot CLI commands never start one). */
  hasRoom(): boolean {
    return this.isStarted && !this.isClosed && this.running + this.ready.length < this.deps.settings.concurrency;
  }

  take(delivery: WebhookDelivery): void {
    // A call this closing process cannot send stays claimed until its lease ends; then it is due again.
    if (this.isClosed) return;
    if (this.running < this.deps.settings.concurrency) this.begin(delivery);
    else this.ready.push(delivery);
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

  /** A new call was queued: claim and send it now. */
  wake(): void {
    if (!this.isClosed) this.track(this.pump());
  }

  /** Retries that have come due, and delayed replies whose time has come. */
  private poll(): void {
    if (this.isClosed) return;
    this.track(this.pump());
    this.track(this.sendDueReplies());
  }

  /** For tests: make report batches, send everything due, and wait until all of it is recorded. */
  async runDue(forceBatches = false): Promise<void> {
    await this.flushBatches(forceBatches);
    await this.pump();
    await this.settle();
    await this.sendDueReplies();
    await this.settle();
  }

  async close(): Promise<void> {
    this.isClosed = true;
    for (const timer of this.timers) clearInterval(timer);
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
      if ((await this.deps.webhooks.flushEventBatches(force)) > 0) this.track(this.pump());
    } catch (error) {
      this.deps.logError(error, 'webhook report batches');
    }
  }

  private pump(): Promise<void> {
    return this.claimer.run();
  }

  /** Claims due calls until every slot is busy or nothing more is due. */
  private async claimAndBegin(): Promise<void> {
    const { concurrency } = this.deps.settings;
    while (!this.isClosed && this.running < concurrency) {
      const wanted = concurrency - this.running;
      const claimed = await this.deps.webhooks.claimDue(wanted, this.leaseMs);
      this.mayHaveMore = claimed.length === wanted;
      if (claimed.length === 0) break;
      for (const delivery of claimed) this.begin(delivery);
    }
  }

  private begin(delivery: WebhookDelivery): void {
    this.running += 1;
    this.track(this.deliver(delivery));
  }

  private finished(): void {
    this.running -= 1;
    const next = this.ready.shift();
    if (next && !this.isClosed) return this.begin(next);
    // With a backlog, a freed slot is refilled at once (the claim is submitted now, so it joins the
    // outcome's transaction). Without one, new calls come with their own wake-up, retries with the poll.
    if (this.mayHaveMore && !this.isClosed) this.track(this.pump());
  }

  private async deliver(delivery: WebhookDelivery): Promise<void> {
    let outcome: AttemptOutcome;
    try {
      const project = await this.deps.findProject(delivery.projectId);
      outcome = project
        ? (await this.deps.caller.call({ url: delivery.url, format: delivery.format, payload: delivery.payload, eventId: delivery.eventId, secret: project.webhookSecret, attempt: delivery.attempts })).outcome
        : { isDelivered: false, error: 'the project no longer exists', responseCode: null, latencyMs: null };
    } catch (error) {
      // The delivery stays leased and is due again when the lease ends.
      this.finished();
      throw error;
    }
    // The slot is free once the answer is in: the next claim joins this outcome's transaction. The
    // delivery stays claimed (leased) until the outcome is recorded, so it cannot be taken twice.
    const recorded = this.deps.webhooks.recordOutcome(delivery, outcome);
    this.finished();
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
