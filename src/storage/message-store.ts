// Outbound messages, their queue order and their timeline, in SQL.
import type { Kysely } from 'kysely';
import type { MessageDetails, MessageEvent, MessageKind, MessageState, OutboundMessage } from '../core/messages/message.js';
import type { MessageStore, StateMove } from '../core/stores.js';
import type { MessageRow, Schema } from './schema.js';

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
      .where('state', '=', 'queued')
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
      .where('state', '=', 'queued')
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  async move(move: StateMove): Promise<boolean> {
    const result = await this.db
      .updateTable('messages')
      .set((eb) => ({
        state: move.to,
        updated_at: move.at,
        ...(move.error ? { last_error: move.error } : {}),
        ...(move.to === 'sending' ? { attempts: eb('attempts', '+', 1) } : {}),
      }))
      .where('id', '=', move.messageId)
      .where('state', '=', move.from)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await this.db.insertInto('message_events').values({ message_id: move.messageId, state: move.to, error: move.error, at: move.at }).execute();
    return true;
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
