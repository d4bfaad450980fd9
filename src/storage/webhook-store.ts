// The webhook outbox in SQL: deliveries claimed by workers through the database (leases, SKIP LOCKED on
// PostgreSQL), report items waiting to be batched, and the instant reply each delivery may carry.
import { sql, type Kysely } from 'kysely';
import type { AttemptRecord, WebhookStore } from '../core/stores.js';
import type { WebhookFormat } from '../core/project.js';
import type { DeliveryState, InstantReply, NewWebhookDelivery, ReplyState, WebhookDelivery, WebhookKind, WebhookLanes } from '../core/webhooks/webhook-delivery.js';
import type { DialectCapabilities } from './capabilities.js';
import { rawStatement } from './dialect-sql.js';
import type { Schema, WebhookDeliveryRow } from './schema.js';

type StoredRow = Omit<WebhookDeliveryRow, 'id'> & { id: number };
// Literal, not bound: SQLite uses a partial index only when the query repeats its condition as written.
const PENDING = sql<boolean>`state = 'pending'`;
const REPLY_PENDING = sql<boolean>`reply_state = 'pending'`;

function toDelivery(row: StoredRow): WebhookDelivery {
  return {
    id: row.id,
    projectId: row.project_id,
    kind: row.kind as WebhookKind,
    eventId: row.event_id,
    url: row.url,
    format: row.format as WebhookFormat,
    payload: row.payload,
    inboundId: row.inbound_id,
    retrySchedule: JSON.parse(row.retry_schedule) as number[],
    state: row.state as DeliveryState,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    responseCode: row.response_code,
    latencyMs: row.latency_ms,
    deliveredAt: row.delivered_at,
    reply: row.reply === '' ? null : (JSON.parse(row.reply) as InstantReply),
    replyState: row.reply_state as ReplyState,
    replyDueAt: row.reply_due_at,
    replyPushId: row.reply_push_id,
    replyError: row.reply_error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class SqlWebhookStore implements WebhookStore {
  // The two statements every call makes, written out (see rawStatement).
  private readonly insertStatement;
  private readonly recordStatement;

  constructor(
    private readonly db: Kysely<Schema>,
    private readonly capabilities: DialectCapabilities,
  ) {
    this.insertStatement = rawStatement(
      capabilities,
      `insert into webhook_deliveries (project_id, kind, event_id, url, format, payload, inbound_id, retry_schedule, state, attempts, next_attempt_at, claimed_until,
        last_error, response_code, latency_ms, delivered_at, reply, reply_state, reply_due_at, reply_push_id, reply_error, created_at, updated_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?, '', null, null, null, '', '', null, '', '', ?, ?)
       on conflict (event_id) do nothing returning id`,
    );
    this.recordStatement = rawStatement(
      capabilities,
      'update webhook_deliveries set state = ?, next_attempt_at = ?, claimed_until = null, last_error = ?, response_code = ?, latency_ms = ?, delivered_at = ?, updated_at = ? where id = ?',
    );
  }

  async insert(delivery: NewWebhookDelivery, at: number, claimedUntil?: number): Promise<number | undefined> {
    // A delivery written claimed counts its first attempt, as a claim would.
    const attempts = claimedUntil === undefined ? 0 : 1;
    const { rows } = await this.db.executeQuery<{ id: number }>(
      this.insertStatement([
        delivery.projectId,
        delivery.kind,
        delivery.eventId,
        delivery.url,
        delivery.format,
        delivery.payload,
        delivery.inboundId,
        JSON.stringify(delivery.retrySchedule),
        attempts,
        claimedUntil ?? at,
        claimedUntil ?? null,
        at,
        at,
      ]),
    );
    return rows[0] ? Number(rows[0].id) : undefined;
  }

  async addEventItems(items: { projectId: number; item: string }[], at: number): Promise<void> {
    if (items.length === 0) return;
    await this.db
      .insertInto('webhook_event_items')
      .values(items.map(({ projectId, item }) => ({ project_id: projectId, item, created_at: at })))
      .execute();
  }

  async oldestDueAt(now: number): Promise<number | undefined> {
    // The first entry of the partial `webhook_deliveries_due` index: one index probe, whatever the backlog.
    const row = await this.db.selectFrom('webhook_deliveries').select('next_attempt_at').where(PENDING).where('next_attempt_at', '<=', now).orderBy('next_attempt_at').limit(1).executeTakeFirst();
    return row === undefined ? undefined : Number(row.next_attempt_at);
  }

  async eventBacklog(): Promise<{ projectId: number; count: number; oldestAt: number }[]> {
    const rows = await this.db
      .selectFrom('webhook_event_items')
      .select(['project_id', (eb) => eb.fn.countAll<number>().as('count'), (eb) => eb.fn.min('created_at').as('oldest_at')])
      .groupBy('project_id')
      .execute();
    return rows.map((row) => ({ projectId: Number(row.project_id), count: Number(row.count), oldestAt: Number(row.oldest_at) }));
  }

  async takeEventItems(projectId: number, limit: number): Promise<string[]> {
    let oldest = this.db.selectFrom('webhook_event_items').select('id').where('project_id', '=', projectId).orderBy('id').limit(limit);
    if (this.capabilities.supportsSkipLocked) oldest = oldest.forUpdate().skipLocked();
    const rows = await this.db.deleteFrom('webhook_event_items').where('id', 'in', oldest).returning(['id', 'item']).execute();
    return rows.sort((a, b) => Number(a.id) - Number(b.id)).map((row) => row.item);
  }

  async claimDue(now: number, claimedUntil: number, limit: number, lanes?: WebhookLanes): Promise<WebhookDelivery[]> {
    let due = this.db.selectFrom('webhook_deliveries').select('id').where(PENDING).where('next_attempt_at', '<=', now).orderBy('next_attempt_at').limit(limit);
    // One lane is read through the (project_id, next_attempt_at) index, so another project's backlog
    // ahead of it costs nothing.
    if (lanes && 'only' in lanes) due = due.where('project_id', '=', lanes.only.projectId).where('url', 'in', lanes.only.urls);
    if (lanes && 'except' in lanes && lanes.except.length > 0) {
      const except = lanes.except;
      due = due.where((eb) => eb.not(eb.or(except.map((lane) => eb.and([eb('project_id', '=', lane.projectId), eb('url', 'in', lane.urls)])))));
    }
    if (this.capabilities.supportsSkipLocked) due = due.forUpdate().skipLocked();
    const rows = await this.db
      .updateTable('webhook_deliveries')
      .set((eb) => ({ next_attempt_at: claimedUntil, claimed_until: claimedUntil, attempts: eb('attempts', '+', 1), updated_at: now }))
      .where('id', 'in', due)
      .returningAll()
      .execute();
    return rows.map(toDelivery).sort((a, b) => a.id - b.id);
  }

  async recordAttempt(id: number, record: AttemptRecord, at: number): Promise<void> {
    await this.db.executeQuery(this.recordStatement([record.state, record.nextAttemptAt, record.lastError, record.responseCode, record.latencyMs, record.deliveredAt, at, id]));
  }

  async setReplyOnce(id: number, reply: InstantReply, dueAt: number, at: number): Promise<boolean> {
    const result = await this.db
      .updateTable('webhook_deliveries')
      .set({ reply: JSON.stringify(reply), reply_state: 'pending', reply_due_at: dueAt, updated_at: at })
      .where('id', '=', id)
      .where('reply_state', '=', '')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async claimDueReplies(now: number, claimedUntil: number, limit: number): Promise<WebhookDelivery[]> {
    let due = this.db.selectFrom('webhook_deliveries').select('id').where(REPLY_PENDING).where('reply_due_at', '<=', now).orderBy('reply_due_at').limit(limit);
    if (this.capabilities.supportsSkipLocked) due = due.forUpdate().skipLocked();
    const rows = await this.db.updateTable('webhook_deliveries').set({ reply_due_at: claimedUntil, updated_at: now }).where('id', 'in', due).returningAll().execute();
    return rows.map(toDelivery);
  }

  async settleReply(id: number, state: ReplyState, pushId: string, error: string, dueAt: number | null, at: number): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set({ reply_state: state, reply_push_id: pushId, reply_error: error, reply_due_at: dueAt, updated_at: at })
      .where('id', '=', id)
      .execute();
  }

  async releaseClaims(now: number): Promise<number> {
    const result = await this.db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: now, claimed_until: null })
      .where(PENDING)
      .where('claimed_until', 'is not', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async releaseClaimed(ids: number[], now: number): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('webhook_deliveries')
      .set((eb) => ({ next_attempt_at: now, claimed_until: null, attempts: eb('attempts', '-', 1), updated_at: now }))
      .where('id', 'in', ids)
      .where(PENDING)
      .where('claimed_until', 'is not', null)
      .execute();
  }

  async findById(id: number): Promise<WebhookDelivery | undefined> {
    const row = await this.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toDelivery(row) : undefined;
  }

  async listByProject(projectId: number, limit: number, beforeId?: number): Promise<WebhookDelivery[]> {
    let query = this.db.selectFrom('webhook_deliveries').selectAll().where('project_id', '=', projectId);
    if (beforeId !== undefined) query = query.where('id', '<', beforeId);
    const rows = await query.orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toDelivery);
  }

  async replay(id: number, now: number): Promise<void> {
    await this.db
      .updateTable('webhook_deliveries')
      .set({ state: 'pending', attempts: 0, next_attempt_at: now, claimed_until: null, updated_at: now })
      .where('id', '=', id)
      .execute();
  }
}
