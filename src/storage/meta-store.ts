// Meta channels' rows in SQL: accounts, the webhook inbox with its claims, sent ids, contact windows,
// templates and received media.
import type { Kysely } from 'kysely';
import type { Application } from '../core/applications.js';
import type { InboxEvent, InboxKind, MetaAccount, MetaMedia, MetaSent, MetaStore, MetaTemplate, NewInboxEvent, NewMetaTemplate, TemplateChanges, TemplateStatus } from '../core/meta/index.js';
import type { MetaAccountRow, MetaTemplateRow } from './meta-schema.js';
import type { Schema } from './schema.js';

function toAccount(row: MetaAccountRow): MetaAccount {
  return {
    channelId: Number(row.channel_id),
    projectId: Number(row.project_id),
    kind: Number(row.kind) as Application,
    externalId: row.external_id,
    wabaId: row.waba_id,
    accessToken: row.access_token,
    appSecret: row.app_secret,
    verifyTokenHash: row.verify_token_hash,
  };
}

function toTemplate(row: Omit<MetaTemplateRow, 'id'> & { id: number }): MetaTemplate {
  return {
    id: Number(row.id),
    projectId: Number(row.project_id),
    channelId: Number(row.channel_id),
    templateId: row.template_id,
    graphId: row.graph_id,
    name: row.name,
    language: row.language,
    category: row.category,
    messageType: Number(row.message_type),
    status: Number(row.status) as TemplateStatus,
    metaStatus: row.meta_status,
    reason: row.reason,
    components: JSON.parse(row.components) as unknown[],
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

const toSent = (row: { message_id: number; channel_id: number; external_id: string; recipient: string; sent_at: number }): MetaSent => ({
  messageId: Number(row.message_id),
  channelId: Number(row.channel_id),
  externalId: row.external_id,
  recipient: row.recipient,
  sentAt: Number(row.sent_at),
});

export class SqlMetaStore implements MetaStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async putAccount(account: MetaAccount, at: number): Promise<void> {
    const values = {
      project_id: account.projectId,
      kind: account.kind,
      external_id: account.externalId,
      waba_id: account.wabaId,
      access_token: account.accessToken,
      app_secret: account.appSecret,
      verify_token_hash: account.verifyTokenHash,
      updated_at: at,
    };
    await this.db
      .insertInto('meta_accounts')
      .values({ channel_id: account.channelId, ...values, created_at: at })
      .onConflict((conflict) => conflict.column('channel_id').doUpdateSet(values))
      .execute();
  }

  async findAccount(channelId: number): Promise<MetaAccount | undefined> {
    const row = await this.db.selectFrom('meta_accounts').selectAll().where('channel_id', '=', channelId).executeTakeFirst();
    return row ? toAccount(row) : undefined;
  }

  async findAccountsByExternalId(externalId: string): Promise<MetaAccount[]> {
    return (await this.db.selectFrom('meta_accounts').selectAll().where('external_id', '=', externalId).orderBy('channel_id').execute()).map(toAccount);
  }

  async findAccountsByWabaId(wabaId: string): Promise<MetaAccount[]> {
    if (!wabaId) return [];
    return (await this.db.selectFrom('meta_accounts').selectAll().where('waba_id', '=', wabaId).orderBy('channel_id').execute()).map(toAccount);
  }

  async findAccountsByVerifyTokenHash(hash: string): Promise<MetaAccount[]> {
    return (await this.db.selectFrom('meta_accounts').selectAll().where('verify_token_hash', '=', hash).execute()).map(toAccount);
  }

  async listAccounts(): Promise<MetaAccount[]> {
    return (await this.db.selectFrom('meta_accounts').selectAll().orderBy('channel_id').execute()).map(toAccount);
  }

  async deleteAccount(channelId: number): Promise<void> {
    await this.db.deleteFrom('meta_accounts').where('channel_id', '=', channelId).execute();
  }

  async addInbox(events: readonly NewInboxEvent[], at: number): Promise<number> {
    let added = 0;
    for (const event of events) {
      const result = await this.db
        .insertInto('meta_inbox')
        .values({ channel_id: event.channelId, event_key: event.eventKey, kind: event.kind, payload: event.payload, state: 'pending', next_attempt_at: at, created_at: at, updated_at: at })
        .onConflict((conflict) => conflict.columns(['channel_id', 'event_key']).doNothing())
        .executeTakeFirst();
      added += Number(result.numInsertedOrUpdatedRows ?? 0n);
    }
    return added;
  }

  async claimInbox(now: number, claimedUntil: number, limit: number): Promise<InboxEvent[]> {
    const due = await this.db
      .selectFrom('meta_inbox')
      .select('id')
      .where('state', '=', 'pending')
      .where('next_attempt_at', '<=', now)
      .where('locked_until', '<=', now)
      .orderBy('id')
      .limit(limit)
      .execute();
    if (due.length === 0) return [];
    // The condition is checked again by the update: two claimers never both take a row.
    const rows = await this.db
      .updateTable('meta_inbox')
      .set((eb) => ({ locked_until: claimedUntil, attempts: eb('attempts', '+', 1), updated_at: now }))
      .where('id', 'in', due.map((row) => row.id))
      .where('state', '=', 'pending')
      .where('locked_until', '<=', now)
      .returningAll()
      .execute();
    return rows
      .map((row) => ({ id: Number(row.id), channelId: Number(row.channel_id), eventKey: row.event_key, kind: row.kind as InboxKind, payload: row.payload, attempts: Number(row.attempts), createdAt: Number(row.created_at) }))
      .sort((a, b) => a.id - b.id);
  }

  async finishInbox(id: number, at: number): Promise<void> {
    await this.db.updateTable('meta_inbox').set({ state: 'done', locked_until: 0, last_error: '', updated_at: at }).where('id', '=', id).execute();
  }

  async failInbox(id: number, error: string, retryAt: number | null, at: number): Promise<void> {
    await this.db
      .updateTable('meta_inbox')
      .set({ state: retryAt === null ? 'failed' : 'pending', next_attempt_at: retryAt ?? at, locked_until: 0, last_error: error.slice(0, 500), updated_at: at })
      .where('id', '=', id)
      .execute();
  }

  async countPendingInbox(): Promise<number> {
    const row = await this.db.selectFrom('meta_inbox').select((eb) => eb.fn.countAll<number>().as('count')).where('state', '=', 'pending').executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  async listStaleSending(channelIds: readonly number[], before: number, limit: number): Promise<number[]> {
    if (channelIds.length === 0) return [];
    const rows = await this.db
      .selectFrom('messages')
      .select('id')
      .where('channel_id', 'in', [...channelIds])
      .where('state', '=', 'sending')
      .where('updated_at', '<', before)
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map((row) => Number(row.id));
  }

  async releaseInboxClaims(now: number): Promise<number> {
    const result = await this.db.updateTable('meta_inbox').set({ locked_until: 0, next_attempt_at: now, updated_at: now }).where('state', '=', 'pending').where('locked_until', '>', now).executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async recordSent(sent: MetaSent): Promise<void> {
    const values = { channel_id: sent.channelId, external_id: sent.externalId, recipient: sent.recipient, sent_at: sent.sentAt };
    await this.db
      .insertInto('meta_sent')
      .values({ message_id: sent.messageId, ...values })
      .onConflict((conflict) => conflict.column('message_id').doUpdateSet(values))
      .execute();
  }

  async findSentByExternalId(channelId: number, externalId: string): Promise<MetaSent | undefined> {
    const row = await this.db.selectFrom('meta_sent').selectAll().where('channel_id', '=', channelId).where('external_id', '=', externalId).executeTakeFirst();
    return row ? toSent(row) : undefined;
  }

  async findSentByMessageId(messageId: number): Promise<MetaSent | undefined> {
    const row = await this.db.selectFrom('meta_sent').selectAll().where('message_id', '=', messageId).executeTakeFirst();
    return row ? toSent(row) : undefined;
  }

  async listSentTo(channelId: number, recipient: string, upTo: number, limit: number): Promise<MetaSent[]> {
    const rows = await this.db
      .selectFrom('meta_sent')
      .selectAll()
      .where('channel_id', '=', channelId)
      .where('recipient', '=', recipient)
      .where('sent_at', '<=', upTo)
      .orderBy('sent_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toSent);
  }

  async touchContact(channelId: number, contact: string, at: number): Promise<void> {
    await this.db
      .insertInto('meta_contacts')
      .values({ channel_id: channelId, contact, last_inbound_at: at })
      // Events may be processed out of order: the latest time wins.
      .onConflict((conflict) =>
        conflict
          .columns(['channel_id', 'contact'])
          .doUpdateSet((eb) => ({ last_inbound_at: eb.ref('excluded.last_inbound_at') }))
          .where((eb) => eb('meta_contacts.last_inbound_at', '<', eb.ref('excluded.last_inbound_at'))),
      )
      .execute();
  }

  async lastInboundAt(channelId: number, contact: string): Promise<number | undefined> {
    const row = await this.db.selectFrom('meta_contacts').select('last_inbound_at').where('channel_id', '=', channelId).where('contact', '=', contact).executeTakeFirst();
    return row ? Number(row.last_inbound_at) : undefined;
  }

  async createTemplate(template: NewMetaTemplate, at: number): Promise<MetaTemplate> {
    const row = await this.db
      .insertInto('meta_templates')
      .values({
        project_id: template.projectId,
        channel_id: template.channelId,
        template_id: template.templateId,
        graph_id: template.graphId,
        name: template.name,
        language: template.language,
        category: template.category,
        message_type: template.messageType,
        status: template.status,
        meta_status: template.metaStatus,
        reason: template.reason,
        components: JSON.stringify(template.components),
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toTemplate(row);
  }

  async updateTemplate(id: number, changes: TemplateChanges, at: number): Promise<void> {
    const { graphId, status, metaStatus, reason, components, category } = changes;
    await this.db
      .updateTable('meta_templates')
      .set({
        updated_at: at,
        ...(graphId !== undefined && { graph_id: graphId }),
        ...(status !== undefined && { status }),
        ...(metaStatus !== undefined && { meta_status: metaStatus }),
        ...(reason !== undefined && { reason }),
        ...(category !== undefined && { category }),
        ...(components !== undefined && { components: JSON.stringify(components) }),
      })
      .where('id', '=', id)
      .execute();
  }

  async findTemplates(projectId: number, templateId: string): Promise<MetaTemplate[]> {
    return (await this.db.selectFrom('meta_templates').selectAll().where('project_id', '=', projectId).where('template_id', '=', templateId).orderBy('id').execute()).map(toTemplate);
  }

  async findTemplateByGraphId(channelId: number, graphId: string): Promise<MetaTemplate | undefined> {
    const row = await this.db.selectFrom('meta_templates').selectAll().where('channel_id', '=', channelId).where('graph_id', '=', graphId).executeTakeFirst();
    return row ? toTemplate(row) : undefined;
  }

  async findTemplateByName(channelId: number, name: string, language: string): Promise<MetaTemplate | undefined> {
    const row = await this.db.selectFrom('meta_templates').selectAll().where('channel_id', '=', channelId).where('name', '=', name).where('language', '=', language).executeTakeFirst();
    return row ? toTemplate(row) : undefined;
  }

  async listTemplates(projectId: number): Promise<MetaTemplate[]> {
    return (await this.db.selectFrom('meta_templates').selectAll().where('project_id', '=', projectId).orderBy('id').execute()).map(toTemplate);
  }

  async putMedia(media: MetaMedia): Promise<void> {
    await this.db.insertInto('meta_media').values({ id: media.id, channel_id: media.channelId, mime: media.mime, data: media.data, created_at: media.createdAt }).onConflict((conflict) => conflict.column('id').doNothing()).execute();
  }

  async findMedia(id: string): Promise<MetaMedia | undefined> {
    const row = await this.db.selectFrom('meta_media').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? { id: row.id, channelId: Number(row.channel_id), mime: row.mime, data: Buffer.from(row.data), createdAt: Number(row.created_at) } : undefined;
  }
}
