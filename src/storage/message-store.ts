// Outbound messages, their queue order and their timeline, in SQL.
import { sql, type Kysely } from 'kysely';
import type { MessageDetails, MessageEvent, MessageKind, MessageState, OutboundMessage } from '../core/messages/message.js';
import type { MessageStore, QueuedHead, StateUpdate } from '../core/stores.js';
import type { MessageRow, Schema } from './schema.js';

/**
 * The queue index's condition, written into the SQL rather than bound: with a bound value the planner
 * can use the partial index (`where state = 'queued'`) only by recompiling the statement on every run.
 */
const QUEUED = sql<string>`'queued'`;
/** The held-messages index's condition, inlined for the same reason. */
export const SENDING = sql<string>`'sending'`;

export function toMessage(row: MessageRow): OutboundMessage {
  return {
    id: row.id,
    pushId: row.push_id,
    projectId: row.project_id,
    channelId: row.channel_id,
    application: row.application,
    priority: row.priority,
    recipient: row.recipient,
    kind: row.kind as MessageKind,
    text: row.body,
    mediaUrl: row.media_url,
    mediaId: row.media_id,
    details: row.details ? (JSON.parse(row.details) as MessageDetails) : {},
    referenceNumber: row.reference_number,
    quoted: row.quoted,
    credit: row.credit,
    state: row.state as MessageState,
    attempts: row.attempts,
    lastError: row.last_error,
    deviceId: row.device_id,
    createdAt: row.created_at,
  };
}

export class SqlMessageStore implements MessageStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async findById(id: number): Promise<OutboundMessage | undefined> {
    const row = await this.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toMessage(row) : undefined;
  }

  async listByPush(pushId: number): Promise<OutboundMessage[]> {
    const rows = await this.db.selectFrom('messages').selectAll().where('push_id', '=', pushId).orderBy('id').execute();
    return rows.map(toMessage);
  }

  async nextQueued(channelId: number, limit: number): Promise<OutboundMessage[]> {
    const rows = await this.db
      .selectFrom('messages')
      .selectAll()
      .where('channel_id', '=', channelId)
      .where('state', '=', QUEUED)
      .orderBy('priority', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toMessage);
  }

  async countQueued(channelId: number): Promise<number> {
    const row = await this.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('channel_id', '=', channelId)
      .where('state', '=', QUEUED)
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  async findByIds(ids: readonly number[]): Promise<OutboundMessage[]> {
    const found: OutboundMessage[] = [];
    // Chunks keep the IN list under every driver's parameter limit.
    for (let start = 0; start < ids.length; start += 5000) {
      const rows = await this.db.selectFrom('messages').selectAll().where('id', 'in', ids.slice(start, start + 5000)).execute();
      found.push(...rows.map(toMessage));
    }
    return found;
  }

  /**
   * One ordered scan of the queue index per channel, merged here: a single query with `channel_id IN`
   * cannot read the index in order and sorts the whole backlog on every call.
   */
  async nextQueuedForChannels(channelIds: readonly number[], limit: number): Promise<OutboundMessage[]> {
    const lists = await Promise.all(channelIds.map((channelId) => this.nextQueued(channelId, limit)));
    const merged = lists.flat();
    if (lists.filter((list) => list.length > 0).length > 1) merged.sort((a, b) => b.priority - a.priority || a.id - b.id);
    return merged.slice(0, limit);
  }

  async peekQueued(channelIds: readonly number[], limit: number): Promise<QueuedHead[]> {
    const lists = await Promise.all(
      channelIds.map((channelId) =>
        this.db
          .selectFrom('messages')
          .select(['id', 'recipient', 'application', 'priority'])
          .where('channel_id', '=', channelId)
          .where('state', '=', QUEUED)
          .orderBy('priority', 'desc')
          .orderBy('id')
          .limit(limit)
          .execute(),
      ),
    );
    const merged = lists.flat();
    if (lists.filter((list) => list.length > 0).length > 1) merged.sort((a, b) => b.priority - a.priority || a.id - b.id);
    return merged.slice(0, limit);
  }

  async countPending(channelIds: readonly number[]): Promise<number> {
    if (channelIds.length === 0) return 0;
    const row = await this.db
      .selectFrom('messages')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('channel_id', 'in', channelIds)
      .where('state', 'in', ['queued', 'sending'])
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  async listSendingForDevice(deviceId: number): Promise<OutboundMessage[]> {
    const rows = await this.db.selectFrom('messages').selectAll().where('device_id', '=', deviceId).where('state', '=', SENDING).orderBy('priority', 'desc').orderBy('id').execute();
    return rows.map(toMessage);
  }

  async updateStates(update: StateUpdate): Promise<number> {
    let moved = 0;
    for (let start = 0; start < update.messageIds.length; start += 5000) {
      const result = await this.db
        .updateTable('messages')
        .set((eb) => ({
          state: update.to,
          updated_at: update.at,
          ...(update.error ? { last_error: update.error } : {}),
          ...(update.deviceId !== undefined ? { device_id: update.deviceId } : {}),
          ...(update.isAttempt ? { attempts: eb('attempts', '+', 1) } : {}),
        }))
        .where('id', 'in', update.messageIds.slice(start, start + 5000))
        .where('state', '=', update.from)
        .executeTakeFirst();
      moved += Number(result.numUpdatedRows);
    }
    return moved;
  }

  async insertEvents(events: readonly MessageEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += 2000) {
      const chunk = events.slice(start, start + 2000);
      await this.db
        .insertInto('message_events')
        .values(chunk.map((event) => ({ message_id: event.messageId, state: event.state, error: event.error, at: event.at })))
        .execute();
    }
  }

  /** The stored moves, after the `queued` the message was created in (not stored: it is the row itself). */
  async timeline(messageId: number): Promise<MessageEvent[]> {
    const message = await this.db.selectFrom('messages').select(['created_at']).where('id', '=', messageId).executeTakeFirst();
    if (!message) return [];
    const rows = await this.db.selectFrom('message_events').selectAll().where('message_id', '=', messageId).orderBy('id').execute();
    return [
      { messageId, state: 'queued', at: message.created_at, error: '' },
      ...rows.map((row) => ({ messageId, state: row.state as MessageState, at: row.at, error: row.error })),
    ];
  }
}
