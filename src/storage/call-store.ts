// Call conferences and their member calls in SQL. A conference's id is a push id: its `pushes` row is
// written with it, so that push ids stay one series across the Push and conference APIs.
import type { Kysely } from 'kysely';
import type { CallStatus, Conference, ConferenceDraft, ConferenceState, MemberCall } from '../core/calls/conference.js';
import type { CallStore } from '../core/stores.js';
import type { CallRow, ConferenceRow, PushRow, Schema } from './schema.js';

/** Below both dialects' bound-parameter limits (SQLite 32 766, PostgreSQL 65 535). */
const IDS_PER_STATEMENT = 10_000;

function toConference(row: ConferenceRow): Conference {
  return {
    id: row.id,
    projectId: row.project_id,
    channelId: row.channel_id,
    priority: row.priority,
    isGatewayMuted: row.mute_gateway === 1,
    isRecorded: row.record === 1,
    memberCount: row.member_count,
    totalCredit: row.total_credit,
    state: row.state as ConferenceState,
    deviceId: row.device_id,
    attempts: row.attempts,
    lastError: row.last_error,
    dispatchedAt: row.dispatched_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toCall(row: Omit<CallRow, 'id'> & { id: number }): MemberCall {
  return {
    id: row.id,
    conferenceId: row.conference_id,
    projectId: row.project_id,
    position: row.position,
    number: row.number,
    status: row.status as CallStatus,
    duration: row.duration,
    reason: row.reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const NOT_STARTED = 1;
const SCHEDULED = 2;
const COMPLETED = 4;

export class SqlCallStore implements CallStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async create(draft: ConferenceDraft): Promise<{ conference: Conference; calls: MemberCall[] }> {
    const at = draft.createdAt;
    // PushRow declares `id` required because the push writer reserves ids itself; here the database draws
    // it (the same sequence on PostgreSQL, the same autoincrement on SQLite), hence the cast.
    const pushRow: Omit<PushRow, 'id'> = { project_id: draft.projectId, channel_id: draft.channelId, application: 4, priority: draft.priority, message_type: 0, message_count: draft.numbers.length, total_credit: draft.totalCredit, created_at: at };
    const push = await this.db
      .insertInto('pushes')
      .values(pushRow as PushRow)
      .returning('id')
      .executeTakeFirstOrThrow();
    const id = Number(push.id);
    const row = await this.db
      .insertInto('conferences')
      .values({
        id,
        project_id: draft.projectId,
        channel_id: draft.channelId,
        priority: draft.priority,
        mute_gateway: draft.isGatewayMuted ? 1 : 0,
        record: draft.isRecorded ? 1 : 0,
        member_count: draft.numbers.length,
        total_credit: draft.totalCredit,
        state: 'queued',
        device_id: null,
        attempts: 0,
        last_error: '',
        dispatched_at: null,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const calls = await this.db
      .insertInto('calls')
      .values(draft.numbers.map((number, position) => ({ conference_id: id, project_id: draft.projectId, position, number, status: NOT_STARTED, duration: 0, reason: '', created_at: at, updated_at: at })))
      .returningAll()
      .execute();
    return { conference: toConference(row), calls: calls.map(toCall).sort((a, b) => a.position - b.position) };
  }

  async findConferenceForUpdate(id: number): Promise<Conference | undefined> {
    // A write takes the row lock on both dialects (SQLite holds the database's one write lock anyway);
    // PostgreSQL's later statements in this transaction then read what a blocked-on writer committed.
    await this.db.updateTable('conferences').set((eb) => ({ updated_at: eb.ref('updated_at') })).where('id', '=', id).execute();
    return this.findConference(id);
  }

  async findConference(id: number): Promise<Conference | undefined> {
    const row = await this.db.selectFrom('conferences').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toConference(row) : undefined;
  }

  async listCalls(conferenceId: number): Promise<MemberCall[]> {
    const rows = await this.db.selectFrom('calls').selectAll().where('conference_id', '=', conferenceId).orderBy('position').execute();
    return rows.map(toCall);
  }

  async findCall(callId: number): Promise<MemberCall | undefined> {
    const row = await this.db.selectFrom('calls').selectAll().where('id', '=', callId).executeTakeFirst();
    return row ? toCall(row) : undefined;
  }

  async nextQueued(projectId: number, limit: number): Promise<Conference[]> {
    const rows = await this.db
      .selectFrom('conferences')
      .selectAll()
      .where('project_id', '=', projectId)
      .where('state', '=', 'queued')
      .orderBy('priority', 'desc')
      .orderBy('id')
      .limit(limit)
      .execute();
    return rows.map(toConference);
  }

  async claim(conferenceId: number, deviceId: number, at: number): Promise<boolean> {
    // A conditional move, like a message claim: of two nodes claiming one conference, one updates a row.
    const claimed = await this.db
      .updateTable('conferences')
      .set((eb) => ({ state: 'dialing', device_id: deviceId, dispatched_at: at, attempts: eb('attempts', '+', 1), updated_at: at }))
      .where('id', '=', conferenceId)
      .where('state', '=', 'queued')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) === 0) return false;
    await this.db.updateTable('calls').set({ status: SCHEDULED, updated_at: at }).where('conference_id', '=', conferenceId).where('status', '=', NOT_STARTED).execute();
    return true;
  }

  async listDialingForDevice(deviceId: number): Promise<Conference[]> {
    const rows = await this.db.selectFrom('conferences').selectAll().where('device_id', '=', deviceId).where('state', '=', 'dialing').orderBy('id').execute();
    return rows.map(toConference);
  }

  async moveCall(call: MemberCall, to: { status: CallStatus; duration: number; reason: string }, at: number): Promise<MemberCall | undefined> {
    const row = await this.db
      .updateTable('calls')
      .set({ status: to.status, duration: to.duration, reason: to.reason, updated_at: at })
      .where('id', '=', call.id)
      .where('status', '=', call.status)
      .returningAll()
      .executeTakeFirst();
    return row ? toCall(row) : undefined;
  }

  async finishIfDone(conferenceId: number, at: number): Promise<Conference | undefined> {
    const row = await this.db
      .updateTable('conferences')
      .set({ state: 'done', updated_at: at })
      .where('id', '=', conferenceId)
      .where('state', '=', 'dialing')
      .where((eb) => eb.not(eb.exists(eb.selectFrom('calls').select('calls.id').where('calls.conference_id', '=', conferenceId).where('calls.status', '<', COMPLETED))))
      .returningAll()
      .executeTakeFirst();
    return row ? toConference(row) : undefined;
  }

  async cancelQueued(projectId: number, at: number, error: string): Promise<Conference[]> {
    const rows = await this.db
      .updateTable('conferences')
      .set({ state: 'cancelled', last_error: error, updated_at: at })
      .where('project_id', '=', projectId)
      .where('state', '=', 'queued')
      .returningAll()
      .execute();
    return rows.map(toConference);
  }

  async cancelDialing(conferenceId: number, at: number, error: string): Promise<Conference | undefined> {
    const row = await this.db.updateTable('conferences').set({ state: 'done', last_error: error, updated_at: at }).where('id', '=', conferenceId).where('state', '=', 'dialing').returningAll().executeTakeFirst();
    return row ? toConference(row) : undefined;
  }

  async listOpenCalls(conferenceIds: readonly number[]): Promise<MemberCall[]> {
    // In slices: a queue of tens of thousands of conferences cancelled at once must stay under the
    // dialects' limit of bound parameters per statement.
    const calls: MemberCall[] = [];
    for (let start = 0; start < conferenceIds.length; start += IDS_PER_STATEMENT) {
      const slice = conferenceIds.slice(start, start + IDS_PER_STATEMENT);
      const rows = await this.db.selectFrom('calls').selectAll().where('conference_id', 'in', slice).where('status', '<', COMPLETED).orderBy('id').execute();
      calls.push(...rows.map(toCall));
    }
    return calls;
  }

  async listOpenSince(status: CallStatus, cutoff: number, limit: number): Promise<MemberCall[]> {
    const rows = await this.db
      .selectFrom('calls')
      .innerJoin('conferences', 'conferences.id', 'calls.conference_id')
      .selectAll('calls')
      .where('conferences.state', '=', 'dialing')
      .where('conferences.dispatched_at', '<', cutoff)
      .where('calls.status', '=', status)
      .orderBy('calls.id')
      .limit(limit)
      .execute();
    return rows.map(toCall);
  }

  async countPending(projectId: number): Promise<number> {
    const row = await this.db
      .selectFrom('conferences')
      .select((eb) => eb.fn.countAll<number | string>().as('count'))
      .where('project_id', '=', projectId)
      .where('state', 'in', ['queued', 'dialing'])
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }
}
