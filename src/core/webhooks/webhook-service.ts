// The webhook outbox seen from the domain: inbound messages, delivery reports and group events become
// outbox rows inside the transaction that stored them; report items are batched per project; attempts
// are recorded against the retry schedule; owners read the log and replay deliveries.
import { randomBytes } from 'node:crypto';
import { CALL_EVENT_VERSION, EVENT_CALL_STATUS, callEventItem } from '../calls/conference-report.js';
import type { CallTransition } from '../calls/conference.js';
import type { Clock } from '../clock.js';
import type { InboundMessage } from '../inbound/inbound-message.js';
import type { MessageTransition } from '../messages/message-service.js';
import type { Project } from '../project.js';
import { WriteBatcher } from '../push/write-batcher.js';
import { invalidRequest } from '../status-codes.js';
import type { Storage, Stores } from '../stores.js';
import { EVENT_DELIVERY_REPORT, EVENT_GROUP_MEMBERSHIP, deliveryReportItem, eventBody } from './event-report.js';
import { inboundVariables } from './inbound-variables.js';
import { parseRetrySchedule, nextAttemptAt } from './retry-schedule.js';
import type { AttemptOutcome, NewWebhookDelivery, WebhookDelivery, WebhookLanes } from './webhook-delivery.js';

export interface WebhookSettings {
  /** The gateway's default retry schedule (ms); a project may have its own. */
  retrySchedule: number[];
  /** Delivery reports of one project wait at most this long to travel together… */
  batchMs: number;
  /** …and at most this many travel in one call. */
  batchMax: number;
  /** Transactions written side by side: 1 on SQLite, more on PostgreSQL. */
  writeConcurrency: number;
}

export interface GroupEvent {
  projectId: number;
  deviceId: number;
  /** The device's own id for the event: the same event reported twice is delivered once. */
  externalId: string;
  application: number;
  groupId: string;
  groupSubject: string;
  number: string;
  /** 1 joined, 2 left. */
  action: number;
}

// Event ids grow with time (their unique index is appended to, not written at random pages) and carry
// a random part per process, so ids from several gateway processes never collide.
const PROCESS_PART = randomBytes(6).toString('hex');
let eventCounter = 0;

/** The dispatcher of this process, offered new calls straight after they commit (see enqueueInbound). */
export interface LocalWebhookWorker {
  /** How long a call handed over stays claimed (the same lease a claim takes). */
  readonly leaseMs: number;
  /** Whether a call of this project to this URL could be sent now (its lane and the worker have room). */
  hasRoom(projectId: number, url: string): boolean;
  /** A call stored (already claimed for this worker) has committed: send it. */
  take(delivery: WebhookDelivery): void;
  /** A call stored due now has committed (of this project and URL, when given): claim it when there is room. */
  wake(projectId?: number, url?: string): void;
}

export function newEventId(): string {
  eventCounter = (eventCounter + 1) % 1_679_616;
  return `evt_${Date.now().toString(16).padStart(12, '0')}${PROCESS_PART}${eventCounter.toString(36).padStart(4, '0')}`;
}

interface Attempt {
  delivery: WebhookDelivery;
  outcome: AttemptOutcome;
}

/** The outbox writes a worker makes: an attempt's outcome, or a claim of due deliveries. */
type OutboxWrite = { attempt: Attempt } | { claim: { limit: number; leaseMs: number; lanes: WebhookLanes | undefined } };

/** An attempt recorded: `failed` is due again later, `exhausted` was the last try; latency when answered. */
export type AttemptListener = (delivery: WebhookDelivery, result: 'delivered' | 'failed' | 'exhausted', latencyMs: number | null) => void;

export class WebhookService {
  /**
   * Outcomes and claims that arrive together share one transaction: a worker that finishes calls and
   * takes the next ones pays for one commit, not two.
   */
  private readonly writes: WriteBatcher<OutboxWrite, WebhookDelivery[]>;
  private readonly exhaustedListeners: ((delivery: WebhookDelivery, error: string) => void)[] = [];
  private readonly attemptListeners: AttemptListener[] = [];

  constructor(
    private readonly deps: {
      storage: Storage;
      clock: Clock;
      settings: WebhookSettings;
      /** A project as it is now (read through `stores` inside a transaction). */
      findProject(projectId: number, stores?: Stores): Promise<Project | undefined>;
    },
  ) {
    this.writes = new WriteBatcher(
      (writes) =>
        deps.storage.transaction(async (stores) => {
          // Outcomes first: a claim in the same batch then sees every row the outcomes made due again.
          for (const write of writes) if ('attempt' in write) await this.record(write.attempt, stores);
          const results: WebhookDelivery[][] = [];
          for (const write of writes) {
            if ('attempt' in write) results.push([]);
            else {
              const now = deps.clock.now();
              results.push(await stores.webhooks.claimDue(now, now + write.claim.leaseMs, write.claim.limit, write.claim.lanes));
            }
          }
          return results;
        }),
      () => 1,
      { maxWeight: 1000, concurrency: deps.settings.writeConcurrency },
    );
  }

  private worker: LocalWebhookWorker | undefined;

  /** Resolves once every write handed to this service has committed or failed (a closing gateway waits). */
  whenIdle(): Promise<void> {
    return this.writes.whenIdle();
  }

  /** The local dispatcher takes new calls as soon as they commit, without claiming them again. */
  attachWorker(worker: LocalWebhookWorker): void {
    this.worker = worker;
  }

  /**
   * The inbound listener: queues the global webhook call (the smart-reply webhook's, when set). When the
   * local worker has room, the row is written already claimed by it (a lease, as a claim would take) and
   * handed over once committed: the first attempt costs no claim. Should this process die first, the
   * lease ends and the call is due again like any other.
   */
  readonly enqueueInbound = async (message: InboundMessage, stores: Stores): Promise<void | (() => void)> => {
    const project = await this.deps.findProject(message.projectId, stores);
    const url = project?.smartReplyWebhook || project?.globalWebhook;
    if (!project || !url) return;
    const now = this.deps.clock.now();
    const worker = this.worker;
    const claimedUntil = worker?.hasRoom(project.id, url) ? now + worker.leaseMs : undefined;
    const delivery = { projectId: project.id, kind: 'inbound' as const, eventId: newEventId(), url, format: project.webhookFormat, payload: JSON.stringify(inboundVariables(message, url)), inboundId: message.id, retrySchedule: this.scheduleOf(project) };
    const id = await stores.webhooks.insert(delivery, now, claimedUntil);
    if (!worker || id === undefined) return;
    if (claimedUntil === undefined) return () => worker.wake(project.id, url);
    return () => worker.take(claimedDelivery(id, delivery, now, claimedUntil));
  };

  /** The transition listener: keeps a report item per reported state change, for the batcher. */
  readonly enqueueReports = async (transitions: MessageTransition[], stores: Stores): Promise<void> => {
    const byProject = new Map<number, MessageTransition[]>();
    for (const transition of transitions) {
      const list = byProject.get(transition.message.projectId);
      if (list) list.push(transition);
      else byProject.set(transition.message.projectId, [transition]);
    }
    const items: { projectId: number; item: string }[] = [];
    for (const [projectId, list] of byProject) {
      const project = await this.deps.findProject(projectId, stores);
      if (!project?.eventWebhook) continue;
      for (const { message, to, error, at } of list) {
        const item = deliveryReportItem(message, to, error, at);
        if (item) items.push({ projectId, item: JSON.stringify(item) });
      }
    }
    await stores.webhooks.addEventItems(items, this.deps.clock.now());
  };

  /** A member joined or left a group (event_id 3); one call per event, not batched. */
  async groupEvent(event: GroupEvent): Promise<void> {
    await this.deps.storage.transaction(async (stores) => {
      const project = await stores.projects.findById(event.projectId);
      if (!project?.eventWebhook) return;
      const body = { project_id: String(project.id), event_id: EVENT_GROUP_MEMBERSHIP, action: event.action, group_id: event.groupId, group_subject: event.groupSubject, number: event.number, application: event.application };
      const eventId = `evt_group_${event.deviceId}_${event.externalId}`;
      await stores.webhooks.insert({ projectId: project.id, kind: 'event', eventId, url: project.eventWebhook, format: 'json', payload: JSON.stringify(body), inboundId: null, retrySchedule: this.scheduleOf(project) }, this.deps.clock.now());
    });
  }

  /**
   * The call listener: each member call change is one event webhook call (event_id 11, versioned), in
   * the transaction that stored it; its event id names the call and status, so it is queued once.
   */
  readonly enqueueCallEvents = async (transitions: CallTransition[], stores: Stores): Promise<void> => {
    for (const { conference, call } of transitions) {
      const project = await this.deps.findProject(conference.projectId, stores);
      if (!project?.eventWebhook) continue;
      const payload = JSON.stringify({ project_id: String(project.id), event_id: EVENT_CALL_STATUS, version: CALL_EVENT_VERSION, data: [callEventItem(project, conference, call)] });
      const eventId = `evt_call_${call.id}_${call.status}`;
      await stores.webhooks.insert({ projectId: project.id, kind: 'event', eventId, url: project.eventWebhook, format: 'json', payload, inboundId: null, retrySchedule: this.scheduleOf(project) }, this.deps.clock.now());
    }
  };

  /**
   * Turns waiting report items into event webhook calls: a project's items go once the oldest has
   * waited `batchMs` or `batchMax` are waiting (all of them when `force`). Answers the calls made.
   */
  async flushEventBatches(force = false): Promise<number> {
    const { storage, clock, settings } = this.deps;
    let made = 0;
    for (const backlog of await storage.stores.webhooks.eventBacklog()) {
      if (!force && backlog.count < settings.batchMax && clock.now() - backlog.oldestAt < settings.batchMs) continue;
      let taken: number;
      do {
        taken = await storage.transaction(async (stores) => {
          const items = await stores.webhooks.takeEventItems(backlog.projectId, settings.batchMax);
          const project = await stores.projects.findById(backlog.projectId);
          // Items of a project whose event webhook was removed meanwhile are dropped with it.
          if (items.length === 0 || !project?.eventWebhook) return items.length;
          const payload = eventBody(project.id, EVENT_DELIVERY_REPORT, items.map((item) => JSON.parse(item) as unknown));
          await stores.webhooks.insert({ projectId: project.id, kind: 'event', eventId: newEventId(), url: project.eventWebhook, format: 'json', payload, inboundId: null, retrySchedule: this.scheduleOf(project) }, clock.now());
          made += 1;
          return items.length;
        });
      } while (taken === settings.batchMax);
    }
    return made;
  }

  /** Due deliveries for a worker (of some lanes only, when given), held for `leaseMs` (then due again, should the worker die). */
  claimDue(limit: number, leaseMs: number, lanes?: WebhookLanes): Promise<WebhookDelivery[]> {
    return this.writes.submit({ claim: { limit, leaseMs, lanes } });
  }

  /**
   * Claimed deliveries a worker did not send (its lane was full, or it is stopping and cut the call) are
   * due again at once; the claim's attempt is not counted, since the receiver gave no answer to judge.
   */
  releaseUnsent(deliveries: WebhookDelivery[]): Promise<void> {
    return this.deps.storage.stores.webhooks.releaseClaimed(deliveries.map((delivery) => delivery.id), this.deps.clock.now());
  }

  /** Hears of deliveries that failed their last attempt (the gateway logs them for the operator). */
  onExhausted(listener: (delivery: WebhookDelivery, error: string) => void): void {
    this.exhaustedListeners.push(listener);
  }

  /** Hears of every recorded attempt and what became of the delivery (the gateway's metrics count them). */
  onAttempt(listener: AttemptListener): void {
    this.attemptListeners.push(listener);
  }

  /** Records an attempt: delivered (with its instant reply, set once), retried later, or exhausted. */
  async recordOutcome(delivery: WebhookDelivery, outcome: AttemptOutcome): Promise<void> {
    await this.writes.submit({ attempt: { delivery, outcome } });
    // Told once the write is committed; the schedule decides alone whether this was the last attempt.
    const isExhausted = !outcome.isDelivered && nextAttemptAt(delivery.retrySchedule, delivery.attempts, 0) === undefined;
    if (isExhausted) {
      for (const listener of this.exhaustedListeners) listener(delivery, outcome.error);
    }
    const result = outcome.isDelivered ? 'delivered' : isExhausted ? 'exhausted' : 'failed';
    for (const listener of this.attemptListeners) listener(delivery, result, outcome.latencyMs);
  }

  private async record({ delivery, outcome }: Attempt, stores: Stores): Promise<void> {
    const now = this.deps.clock.now();
    if (outcome.isDelivered) {
      await stores.webhooks.recordAttempt(delivery.id, { state: 'delivered', nextAttemptAt: now, lastError: '', responseCode: outcome.responseCode, latencyMs: outcome.latencyMs, deliveredAt: now }, now);
      if (outcome.reply && delivery.kind === 'inbound') await stores.webhooks.setReplyOnce(delivery.id, outcome.reply, now + outcome.reply.delaySeconds * 1000, now);
      return;
    }
    const next = nextAttemptAt(delivery.retrySchedule, delivery.attempts, now);
    const state = next === undefined ? 'exhausted' : 'pending';
    await stores.webhooks.recordAttempt(delivery.id, { state, nextAttemptAt: next ?? now, lastError: outcome.error, responseCode: outcome.responseCode, latencyMs: outcome.latencyMs, deliveredAt: null }, now);
  }

  /** Instant replies whose time has come, held for `leaseMs`. */
  claimDueReplies(limit: number, leaseMs: number): Promise<WebhookDelivery[]> {
    const now = this.deps.clock.now();
    return this.deps.storage.stores.webhooks.claimDueReplies(now, now + leaseMs, limit);
  }

  /** Records what became of an instant reply: queued as a push, refused (for good), or tried again later. */
  settleReply(deliveryId: number, result: { state: 'queued'; pushId: string } | { state: 'failed'; error: string } | { state: 'pending'; retryInMs: number; error: string }): Promise<void> {
    const now = this.deps.clock.now();
    const { webhooks } = this.deps.storage.stores;
    if (result.state === 'queued') return webhooks.settleReply(deliveryId, 'queued', result.pushId, '', null, now);
    if (result.state === 'failed') return webhooks.settleReply(deliveryId, 'failed', '', result.error, null, now);
    return webhooks.settleReply(deliveryId, 'pending', '', result.error, now + result.retryInMs, now);
  }

  /** After a restart of the only node: deliveries its workers held are due at once. */
  releaseClaims(): Promise<number> {
    return this.deps.storage.stores.webhooks.releaseClaims(this.deps.clock.now());
  }

  /** A project's deliveries, newest first. */
  log(projectId: number, limit: number, beforeId?: number): Promise<WebhookDelivery[]> {
    return this.deps.storage.stores.webhooks.listByProject(projectId, limit, beforeId);
  }

  /** Sends a delivery of this project again now, whatever became of it; its event id is kept. */
  async replay(projectId: number, deliveryId: number): Promise<WebhookDelivery> {
    const { stores } = this.deps.storage;
    const delivery = await stores.webhooks.findById(deliveryId);
    if (!delivery || delivery.projectId !== projectId) throw invalidRequest(`delivery_id: no delivery ${deliveryId} in project ${projectId}`);
    await stores.webhooks.replay(deliveryId, this.deps.clock.now());
    return (await stores.webhooks.findById(deliveryId))!;
  }

  private scheduleOf(project: Project): number[] {
    return (project.webhookRetrySchedule && parseRetrySchedule(project.webhookRetrySchedule)) || this.deps.settings.retrySchedule;
  }
}

/** The row as enqueueInbound wrote it, claimed: what a claim would have answered. */
function claimedDelivery(id: number, delivery: NewWebhookDelivery, now: number, claimedUntil: number): WebhookDelivery {
  return {
    ...delivery,
    id,
    state: 'pending',
    attempts: 1,
    nextAttemptAt: claimedUntil,
    lastError: '',
    responseCode: null,
    latencyMs: null,
    deliveredAt: null,
    reply: null,
    replyState: '',
    replyDueAt: null,
    replyPushId: '',
    replyError: '',
    createdAt: now,
    updatedAt: now,
  };
}
