// Inbound messages in SQL, stored once per (device, device's own message id).
import type { Kysely } from 'kysely';
import type { InboundDetails, InboundMessage, NewInboundMessage } from '../core/inbound/inbound-message.js';
import type { InboundStore } from '../core/stores.js';
import type { DialectCapabilities } from './capabilities.js';
import { rawStatement } from './dialect-sql.js';
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
  // Every inbound message runs it: written out, not built each time (see rawStatement).
  private readonly insertStatement;

  constructor(
    private readonly db: Kysely<Schema>,
    capabilities: DialectCapabilities,
  ) {
    this.insertStatement = rawStatement(
      capabilities,
      `insert into inbound_messages (project_id, device_id, channel_id, application, external_id, sender, sender_name, type, body, media_url, quoted_msg_id,
        context_message_id, details, received_at, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (device_id, external_id) do nothing returning *`,
    );
  }

  async insert(message: NewInboundMessage & { contextMessageId: number | null }, at: number): Promise<{ message: InboundMessage; isNew: boolean }> {
    const { rows } = await this.db.executeQuery<InboundMessageRow & { id: number }>(
      this.insertStatement([
        message.projectId,
        message.deviceId,
        message.channelId,
        message.application,
        message.externalId,
        message.sender,
        message.senderName,
        message.type,
        message.text,
        message.mediaUrl,
        message.quotedMsgId,
        message.contextMessageId,
        JSON.stringify(message.details),
        message.receivedAt,
        at,
      ]),
    );
    const inserted = rows[0];
    if (inserted) return { message: toInbound(inserted), isNew: true };
    const existing = await this.findByExternalId(message.deviceId, message.externalId);
    if (!existing) throw new Error(`inbound message ${message.externalId} was neither inserted nor found`);
    return { message: existing, isNew: false };
  }

  async findByExternalId(deviceId: number, externalId: string): Promise<InboundMessage | undefined> {
    const row = await this.db.selectFrom('inbound_messages').selectAll().where('device_id', '=', deviceId).where('external_id', '=', externalId).executeTakeFirst();
    return row ? toInbound(row) : undefined;
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
