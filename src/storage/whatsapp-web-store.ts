// WhatsApp Web sessions in SQL: the session row and its lease, the auth state (credentials on the row,
// signal keys one row each), sent-message ids and media.
import type { Kysely } from 'kysely';
import { isWebCommand, type WebCommand, type WebKeyChange, type WebMedia, type WebSentMessage, type WebSession, type WebSessionChanges, type WebSessionState, type WhatsAppWebStore } from '../core/whatsapp-web/index.js';
import { truncateText } from '../core/index.js';
import type { Schema, WhatsAppWebSessionRow } from './schema.js';
import type { StoredSecrets } from './stored-secrets.js';

function toSession(row: WhatsAppWebSessionRow): WebSession {
  return {
    channelId: Number(row.channel_id),
    projectId: Number(row.project_id),
    state: row.state as WebSessionState,
    qr: row.qr,
    pairingCode: row.pairing_code,
    connectedNumber: row.connected_number,
    version: row.version,
    isPaired: Number(row.is_paired) === 1,
    lastError: row.last_error,
    leaseNode: row.lease_node,
    leaseUntil: Number(row.lease_until),
    updatedAt: Number(row.updated_at),
  };
}

const SESSION_COLUMNS = ['channel_id', 'project_id', 'state', 'qr', 'pairing_code', 'connected_number', 'version', 'is_paired', 'last_error', 'lease_node', 'lease_until', 'created_at', 'updated_at'] as const;

/** The auth state (credentials and signal keys) is stored sealed: it is the account's login. */
export class SqlWhatsAppWebStore implements WhatsAppWebStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly secrets: StoredSecrets,
  ) {}

  async ensureSession(channelId: number, projectId: number, at: number): Promise<WebSession> {
    await this.db
      .insertInto('whatsapp_web_sessions')
      .values({ channel_id: channelId, project_id: projectId, state: 'unpaired', qr: '', pairing_code: '', connected_number: '', version: '', is_paired: 0, creds: null, last_error: '', lease_node: '', lease_until: 0, pending_command: '', created_at: at, updated_at: at })
      .onConflict((conflict) => conflict.column('channel_id').doNothing())
      .execute();
    return (await this.findSession(channelId))!;
  }

  async findSession(channelId: number): Promise<WebSession | undefined> {
    const row = await this.db.selectFrom('whatsapp_web_sessions').select(SESSION_COLUMNS).where('channel_id', '=', channelId).executeTakeFirst();
    return row ? toSession(row as WhatsAppWebSessionRow) : undefined;
  }

  async updateSession(channelId: number, changes: WebSessionChanges, at: number): Promise<void> {
    const { state, qr, pairingCode, connectedNumber, version, isPaired, lastError } = changes;
    await this.db
      .updateTable('whatsapp_web_sessions')
      .set({
        updated_at: at,
        ...(state !== undefined && { state }),
        ...(qr !== undefined && { qr }),
        ...(pairingCode !== undefined && { pairing_code: pairingCode }),
        ...(connectedNumber !== undefined && { connected_number: connectedNumber }),
        ...(version !== undefined && { version }),
        ...(isPaired !== undefined && { is_paired: isPaired ? 1 : 0 }),
        ...(lastError !== undefined && { last_error: truncateText(lastError, 500) }),
      })
      .where('channel_id', '=', channelId)
      .execute();
  }

  async acquireLease(channelId: number, nodeId: string, until: number, now: number): Promise<boolean> {
    const result = await this.db
      .updateTable('whatsapp_web_sessions')
      .set({ lease_node: nodeId, lease_until: until })
      .where('channel_id', '=', channelId)
      .where((eb) => eb.or([eb('lease_node', '=', nodeId), eb('lease_node', '=', ''), eb('lease_until', '<', now)]))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async releaseLease(channelId: number, nodeId: string): Promise<void> {
    await this.db.updateTable('whatsapp_web_sessions').set({ lease_node: '', lease_until: 0 }).where('channel_id', '=', channelId).where('lease_node', '=', nodeId).execute();
  }

  async requestCommand(channelId: number, command: WebCommand): Promise<void> {
    await this.db.updateTable('whatsapp_web_sessions').set({ pending_command: command }).where('channel_id', '=', channelId).execute();
  }

  async takeCommand(channelId: number, nodeId: string): Promise<WebCommand | undefined> {
    const row = await this.db.selectFrom('whatsapp_web_sessions').select('pending_command').where('channel_id', '=', channelId).where('lease_node', '=', nodeId).executeTakeFirst();
    const command = row?.pending_command;
    if (!command || !isWebCommand(command)) return undefined;
    // Conditional: a command taken by an earlier renewal, or replaced meanwhile, is not run twice.
    const result = await this.db
      .updateTable('whatsapp_web_sessions')
      .set({ pending_command: '' })
      .where('channel_id', '=', channelId)
      .where('pending_command', '=', command)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1 ? command : undefined;
  }

  async listPaired(): Promise<WebSession[]> {
    const rows = await this.db.selectFrom('whatsapp_web_sessions').select(SESSION_COLUMNS).where('is_paired', '=', 1).orderBy('channel_id').execute();
    return rows.map((row) => toSession(row as WhatsAppWebSessionRow));
  }

  async readCreds(channelId: number): Promise<string | undefined> {
    const row = await this.db.selectFrom('whatsapp_web_sessions').select('creds').where('channel_id', '=', channelId).executeTakeFirst();
    return row?.creds ? this.secrets.open(row.creds) : undefined;
  }

  async writeCreds(channelId: number, json: string, at: number): Promise<void> {
    await this.db.updateTable('whatsapp_web_sessions').set({ creds: this.secrets.seal(json), updated_at: at }).where('channel_id', '=', channelId).execute();
  }

  async readKeys(channelId: number, type: string, ids: readonly string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.selectFrom('whatsapp_web_keys').select(['key_id', 'value']).where('channel_id', '=', channelId).where('type', '=', type).where('key_id', 'in', [...ids]).execute();
    return new Map(rows.map((row) => [row.key_id, this.secrets.open(row.value)]));
  }

  async writeKeys(channelId: number, changes: readonly WebKeyChange[], at: number): Promise<void> {
    const apply = async (db: Kysely<Schema>) => {
      for (const change of changes) {
        if (change.value === null) {
          await db.deleteFrom('whatsapp_web_keys').where('channel_id', '=', channelId).where('type', '=', change.type).where('key_id', '=', change.id).execute();
          continue;
        }
        const value = this.secrets.seal(change.value);
        await db
          .insertInto('whatsapp_web_keys')
          .values({ channel_id: channelId, type: change.type, key_id: change.id, value, updated_at: at })
          .onConflict((conflict) => conflict.columns(['channel_id', 'type', 'key_id']).doUpdateSet({ value, updated_at: at }))
          .execute();
      }
    };
    if (this.db.isTransaction) await apply(this.db);
    else await this.db.transaction().execute(apply);
  }

  async eraseAuth(channelId: number, at: number): Promise<void> {
    await this.db.deleteFrom('whatsapp_web_keys').where('channel_id', '=', channelId).execute();
    await this.db.updateTable('whatsapp_web_sessions').set({ creds: null, is_paired: 0, connected_number: '', qr: '', pairing_code: '', state: 'unpaired', updated_at: at }).where('channel_id', '=', channelId).execute();
  }

  async recordSent(sent: WebSentMessage, at: number): Promise<void> {
    await this.db
      .insertInto('whatsapp_web_sent')
      .values({ message_id: sent.messageId, channel_id: sent.channelId, wa_id: sent.waId, jid: sent.jid, kind: sent.kind, body: sent.text, created_at: at })
      .onConflict((conflict) => conflict.column('message_id').doUpdateSet({ wa_id: sent.waId, jid: sent.jid }))
      .execute();
  }

  async findSentByWaId(channelId: number, waId: string): Promise<WebSentMessage | undefined> {
    const row = await this.db.selectFrom('whatsapp_web_sent').selectAll().where('channel_id', '=', channelId).where('wa_id', '=', waId).executeTakeFirst();
    return row && { messageId: Number(row.message_id), channelId: Number(row.channel_id), waId: row.wa_id, jid: row.jid, kind: row.kind, text: row.body };
  }

  async findSentByMessageId(messageId: number): Promise<WebSentMessage | undefined> {
    const row = await this.db.selectFrom('whatsapp_web_sent').selectAll().where('message_id', '=', messageId).executeTakeFirst();
    return row && { messageId: Number(row.message_id), channelId: Number(row.channel_id), waId: row.wa_id, jid: row.jid, kind: row.kind, text: row.body };
  }

  async listSending(channelId: number): Promise<number[]> {
    const rows = await this.db.selectFrom('messages').select('messages.id').where('messages.channel_id', '=', channelId).where('messages.state', '=', 'sending').execute();
    return rows.map((row) => Number(row.id));
  }

  async putMedia(media: WebMedia): Promise<void> {
    await this.db
      .insertInto('whatsapp_web_media')
      .values({ id: media.id, channel_id: media.channelId, url: media.url, mime: media.mime, file_name: media.fileName, data: media.data, created_at: media.createdAt })
      .onConflict((conflict) => conflict.column('id').doNothing())
      .execute();
  }

  async findMedia(id: string): Promise<WebMedia | undefined> {
    const row = await this.db.selectFrom('whatsapp_web_media').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    return { id: row.id, channelId: row.channel_id === null ? null : Number(row.channel_id), url: row.url, mime: row.mime, fileName: row.file_name, data: Buffer.from(row.data), createdAt: Number(row.created_at) };
  }

  async eraseLogs(channelId: number): Promise<void> {
    await this.db.deleteFrom('whatsapp_web_sent').where('channel_id', '=', channelId).execute();
    await this.db.deleteFrom('whatsapp_web_media').where('channel_id', '=', channelId).execute();
    await this.db.deleteFrom('inbound_messages').where('channel_id', '=', channelId).execute();
  }
}
