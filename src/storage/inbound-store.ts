// Inbound messages in SQL, stored once per (device, device's own message id).
import type { Kysely } from 'kysely';
import type { InboundDetails, InboundMessage, NewInboundMessage } from '../core/inbound/inbound-message.js';
import type { InboundStore } from '../core/stores.js';
import type { InboundMessageRow, Schema } from './schema.js';

function toInbound(row: Omit<InboundMessageRow, 'id'> & { id: number }): InboundMessage {
  return {
    id: row.id,
    projectId: row.project_id,
    deviceId: row.device_id,
    channelId: row.channel_id,
    application: row.application,
    externalId: row.external_id,
    sender: row.sender,
    senderName: row.sender_name,
    type: row.type,
    text: row.body,
    mediaUrl: row.media_url,
    quotedMsgId: row.quoted_msg_id,
    details: JSON.parse(row.details) as InboundDetails,
    contextMessageId: row.context_message_id,
    receivedAt: row.received_at,
    createdAt: row.created_at,
  };
}

export class SqlInboundStore implements InboundStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async insert(message: NewInboundMessage & { contextMessageId: number | null }, at: number): Promise<{ message: InboundMessage; isNew: boolean }> {
    const inserted = await this.db
      .insertInto('inbound_messages')
      .values({
        project_id: message.projectId,
        device_id: message.deviceId,
        channel_id: message.channelId,
        application: message.application,
        external_id: message.externalId,
        sender: message.sender,
        sender_name: message.senderName,
        type: message.type,
        body: message.text,
        media_url: message.mediaUrl,
        quoted_msg_id: message.quotedMsgId,
        details: JSON.stringify(message.details),
        context_message_id: message.contextMessageId,
        received_at: message.receivedAt,
        created_at: at,
      })
      .onConflict((conflict) => conflict.columns(['device_id', 'external_id']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (inserted) return { message: toInbound(inserted), isNew: true };
    const existing = await this.db
      .selectFrom('inbound_messages')
      .selectAll()
      .where('device_id', '=', message.deviceId)
      .where('external_id', '=', message.externalId)
      .executeTakeFirstOrThrow();
    return { message: toInbound(existing), isNew: false };
  }

  async findById(id: number): Promise<InboundMessage | undefined> {
    const row = await this.db.selectFrom('inbound_messages').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toInbound(row) : undefined;
  }

  async listByProject(projectId: number, limit: number): Promise<InboundMessage[]> {
    const rows = await this.db.selectFrom('inbound_messages').selectAll().where('project_id', '=', projectId).orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toInbound);
  }
}
