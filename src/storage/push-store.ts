// Writes batches of pushes — push rows, uploaded media, one row per message, the wallet debit and its
// ledger entries, idempotency keys — in one transaction, with one multi-row statement per table.
import type { Kysely } from 'kysely';
import type { PushDraft, PushMedia, PushRecord, PushWriteResult } from '../core/push/push-draft.js';
import type { PushStore } from '../core/stores.js';
import type { DialectCapabilities } from './capabilities.js';
import { insertRows, reserveBatch, type BatchReservation } from './dialect-sql.js';
import type { Schema } from './schema.js';
import type { ObserverSlot } from './storage-observer.js';

const PUSH_COLUMNS = ['id', 'project_id', 'channel_id', 'application', 'priority', 'message_type', 'message_count', 'total_credit', 'created_at'];
const MEDIA_COLUMNS = ['id', 'push_id', 'mime', 'kind', 'file_name', 'sha256', 'size', 'data'];
const MESSAGE_COLUMNS = [
  'id', 'push_id', 'project_id', 'channel_id', 'application', 'priority', 'recipient', 'kind', 'body', 'media_url', 'media_id',
  'details', 'reference_number', 'quoted', 'credit', 'state', 'attempts', 'last_error', 'device_id', 'created_at', 'updated_at',
];
const EVENT_COLUMNS = ['message_id', 'state', 'error', 'at'];
const LEDGER_COLUMNS = ['account_id', 'kind', 'amount', 'balance_after', 'reason', 'reference', 'project_id', 'created_at'];

type Decision = { draft: PushDraft; result: PushWriteResult | undefined; claimedKey: boolean };

export class SqlPushStore implements PushStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly capabilities: DialectCapabilities,
    private readonly slot?: ObserverSlot,
  ) {}

  writeBatch(drafts: PushDraft[], idempotencyCutoff: number): Promise<PushWriteResult[]> {
    if (this.db.isTransaction) return this.writeIn(this.db, drafts, idempotencyCutoff);
    return this.db.transaction().execute((trx) => this.writeIn(trx, drafts, idempotencyCutoff));
  }

  private async writeIn(db: Kysely<Schema>, drafts: PushDraft[], cutoff: number): Promise<PushWriteResult[]> {
    const decisions: Decision[] = drafts.map((draft) => ({ draft, result: undefined, claimedKey: false }));
    await this.refuseDeletedProjects(db, decisions);
    const sameKeyAs = await this.claimKeys(db, decisions, cutoff);

    // The one account's balance decides, in arrival order, which pushes are paid for.
    const accountId = drafts[0]!.accountId;
    const candidates = decisions.filter((decision) => !decision.result && !sameKeyAs.has(decision));
    const reservation = await reserveBatch(db, this.capabilities, accountId, {
      pushes: candidates.length,
      messages: candidates.reduce((sum, { draft }) => sum + draft.messages.length, 0),
      push_media: candidates.reduce((sum, { draft }) => sum + draft.uploads.length, 0),
    });
    let balance = reservation.balance;
    const accepted: Decision[] = [];
    for (const decision of decisions) {
      if (decision.result || sameKeyAs.has(decision)) continue;
      if (decision.draft.totalCredit > balance) decision.result = { outcome: 'insufficient' };
      else {
        balance -= decision.draft.totalCredit;
        accepted.push(decision);
      }
    }
    const released = decisions.filter((d) => d.claimedKey && d.result?.outcome === 'insufficient');
    for (const { draft } of released) {
      await db.deleteFrom('idempotency_keys').where('project_id', '=', draft.projectId).where('key', '=', draft.idempotencyKey!).execute();
    }
    if (accepted.length > 0) await this.writeAccepted(db, accepted, accountId, reservation);
    for (const [decision, first] of sameKeyAs) {
      decision.result = first.result?.outcome === 'written' ? { outcome: 'duplicate', response: first.result.response } : first.result;
    }
    return decisions.map((decision) => decision.result!);
  }

  /**
   * A push authenticated just before its project was deleted must not be written after the deletion, whose
   * cancel pass would not see it: the project's status is read in the batch's transaction (on PostgreSQL
   * with a share lock, so a deletion waits for this batch's commit, and then its cancel pass sees it).
   */
  private async refuseDeletedProjects(db: Kysely<Schema>, decisions: Decision[]): Promise<void> {
    const projectIds = [...new Set(decisions.map(({ draft }) => draft.projectId))];
    const query = db.selectFrom('projects').select(['id', 'status']).where('id', 'in', projectIds);
    const rows = await (this.capabilities.dialect === 'postgres' ? query.forShare() : query).execute();
    const deleted = new Set(rows.filter((row) => row.status === 'Delete').map((row) => Number(row.id)));
    if (deleted.size === 0) return;
    for (const decision of decisions) if (deleted.has(decision.draft.projectId)) decision.result = { outcome: 'project_deleted' };
  }

  /**
   * Claims each draft's idempotency key (a fresh key held by an earlier push makes the draft a
   * duplicate). Answers drafts whose key an earlier draft of this same batch holds.
   */
  private async claimKeys(db: Kysely<Schema>, decisions: Decision[], cutoff: number): Promise<Map<Decision, Decision>> {
    const sameKeyAs = new Map<Decision, Decision>();
    const firstByKey = new Map<string, Decision>();
    for (const decision of decisions) {
      const { draft } = decision;
      // A refused draft (its project deleted) claims no key: a retry must meet the same refusal, not a replay.
      if (draft.idempotencyKey === undefined || decision.result) continue;
      const mapKey = `${draft.projectId}\u0000${draft.idempotencyKey}`;
      const first = firstByKey.get(mapKey);
      if (first) {
        sameKeyAs.set(decision, first);
        continue;
      }
      firstByKey.set(mapKey, decision);
      // On PostgreSQL a concurrent claim of the same key waits here for the other transaction to end.
      const claimed = await db
        .insertInto('idempotency_keys')
        .values({ project_id: draft.projectId, key: draft.idempotencyKey, response: '', created_at: draft.createdAt })
        .onConflict((conflict) =>
          conflict
            .columns(['project_id', 'key'])
            .doUpdateSet({ response: '', created_at: draft.createdAt })
            .where('idempotency_keys.created_at', '<=', cutoff),
        )
        .returning('key')
        .executeTakeFirst();
      if (claimed) decision.claimedKey = true;
      else {
        const stored = await db.selectFrom('idempotency_keys').select('response').where('project_id', '=', draft.projectId).where('key', '=', draft.idempotencyKey).executeTakeFirst();
        decision.result = { outcome: 'duplicate', response: stored?.response ?? '' };
      }
    }
    return sameKeyAs;
  }

  private async writeAccepted(db: Kysely<Schema>, accepted: Decision[], accountId: number, reservation: BatchReservation): Promise<void> {
    const { pushes: pushIds, messages: messageIds, push_media: mediaIds } = reservation.ids as Record<'pushes' | 'messages' | 'push_media', number[]>;

    const pushRows: unknown[][] = [];
    const mediaRows: unknown[][] = [];
    const messageRows: unknown[][] = [];
    const ledgerRows: unknown[][] = [];
    const eventRows: unknown[][] = [];
    let nextMessage = 0;
    let nextMedia = 0;
    let total = 0;
    let balanceAfter = reservation.balance;
    accepted.forEach((decision, index) => {
      const { draft } = decision;
      const pushId = pushIds[index]!;
      pushRows.push([pushId, draft.projectId, draft.channelId, draft.application, draft.priority, draft.messageType, draft.messages.length, draft.totalCredit, draft.createdAt]);
      const uploadIds = draft.uploads.map((upload) => {
        const id = mediaIds[nextMedia++]!;
        mediaRows.push([id, pushId, upload.mime, upload.kind, upload.fileName, upload.sha256, upload.bytes.length, upload.bytes]);
        return id;
      });
      const ids = draft.messages.map((message) => {
        const id = messageIds[nextMessage++]!;
        const details = Object.keys(message.details).length > 0 ? JSON.stringify(message.details) : null;
        // A message a connected device took at once is written already handed over, as a claim leaves it.
        const isHandedOver = message.deviceId !== undefined;
        messageRows.push([
          id, pushId, draft.projectId, draft.channelId, draft.application, draft.priority, message.recipient, message.kind, message.text,
          message.mediaUrl, message.upload === undefined ? null : uploadIds[message.upload], details, message.referenceNumber, message.quoted,
          message.credit, isHandedOver ? 'sending' : 'queued', isHandedOver ? 1 : 0, '', message.deviceId ?? null, draft.createdAt, draft.createdAt,
        ]);
        if (isHandedOver) eventRows.push([id, 'sending', '', draft.createdAt]);
        return id;
      });
      if (draft.totalCredit > 0) {
        balanceAfter -= draft.totalCredit;
        total += draft.totalCredit;
        ledgerRows.push([accountId, 'debit', -draft.totalCredit, balanceAfter, `push of ${draft.messages.length} message(s)`, `push:${pushId}`, draft.projectId, draft.createdAt]);
      }
      decision.result = { outcome: 'written', pushId, messageIds: ids, response: draft.render(pushId, ids) };
    });

    await insertRows(db, this.capabilities, 'pushes', PUSH_COLUMNS, pushRows);
    // Uploads go one per statement: each may be megabytes, and the limit that matters is bytes, not rows.
    for (const row of mediaRows) await insertRows(db, this.capabilities, 'push_media', MEDIA_COLUMNS, [row]);
    await insertRows(db, this.capabilities, 'messages', MESSAGE_COLUMNS, messageRows);
    await insertRows(db, this.capabilities, 'message_events', EVENT_COLUMNS, eventRows);
    await insertRows(db, this.capabilities, 'wallet_entries', LEDGER_COLUMNS, ledgerRows);
    if (total > 0) {
      await db.updateTable('wallets').set((eb) => ({ balance: eb('balance', '-', total), updated_at: accepted[0]!.draft.createdAt })).where('account_id', '=', accountId).execute();
      this.slot?.walletDebited(total);
    }
    for (const decision of accepted) {
      if (!decision.claimedKey || decision.result?.outcome !== 'written') continue;
      await db
        .updateTable('idempotency_keys')
        .set({ response: decision.result.response })
        .where('project_id', '=', decision.draft.projectId)
        .where('key', '=', decision.draft.idempotencyKey!)
        .execute();
    }
  }

  async findIdempotentResponse(projectId: number, key: string, cutoff: number): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('idempotency_keys')
      .select('response')
      .where('project_id', '=', projectId)
      .where('key', '=', key)
      .where('created_at', '>', cutoff)
      .where('response', '!=', '')
      .executeTakeFirst();
    return row?.response;
  }

  async deleteIdempotencyKeysBefore(cutoff: number): Promise<number> {
    const result = await this.db.deleteFrom('idempotency_keys').where('created_at', '<=', cutoff).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  async findById(pushId: number): Promise<PushRecord | undefined> {
    const row = await this.db.selectFrom('pushes').selectAll().where('id', '=', pushId).executeTakeFirst();
    if (!row) return undefined;
    return {
      id: row.id,
      projectId: row.project_id,
      channelId: row.channel_id,
      application: row.application,
      priority: row.priority,
      messageType: row.message_type,
      messageCount: row.message_count,
      totalCredit: row.total_credit,
      createdAt: row.created_at,
    };
  }

  async findMedia(mediaId: number, withData: boolean): Promise<PushMedia | undefined> {
    const columns = ['id', 'push_id', 'mime', 'kind', 'file_name', 'sha256', 'size'] as const;
    const row = withData
      ? await this.db.selectFrom('push_media').select([...columns, 'data']).where('id', '=', mediaId).executeTakeFirst()
      : await this.db.selectFrom('push_media').select(columns).where('id', '=', mediaId).executeTakeFirst();
    if (!row) return undefined;
    const data = 'data' in row ? Buffer.from(row.data as Uint8Array) : undefined;
    return { id: row.id, pushId: row.push_id, mime: row.mime, kind: row.kind, fileName: row.file_name, sha256: row.sha256, size: row.size, data };
  }
}
