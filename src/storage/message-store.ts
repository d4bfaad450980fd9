// Outbound messages, their queue order and their timeline, in SQL.
import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { MessageDetails, MessageEvent, MessageKind, MessageState, OutboundMessage } from '../core/messages/message.js';
import type { MessageSearch, MessageStore, QueuedHead, StateUpdate } from '../core/stores.js';
import type { DialectCapabilities } from './capabilities.js';
import { rawStatement } from './dialect-sql.js';
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

/**
 * The statements of the dispatcher's round and of every message move (read the rows, update their state,
 * add their timeline events),
 * written once as raw SQL. The ids travel as one array parameter (JSON on SQLite), so each statement has
 * one text whatever the batch size, and stays prepared; an `IN (?, ?, …)` list was a new statement, and
 * a new query-builder tree, for every batch size.
 */
interface MoveStatements {
  nextQueued(channelId: number, limit: number): CompiledQuery;
  peekQueued(channelId: number, limit: number): CompiledQuery;
  findByIds(ids: readonly number[]): CompiledQuery;
  updateStates(update: StateUpdate, ids: readonly number[]): CompiledQuery;
  insertEvents(events: readonly MessageEvent[]): CompiledQuery;
}

const moveStatements = new Map<DialectCapabilities, MoveStatements>();

function moveStatementsFor(capabilities: DialectCapabilities): MoveStatements {
  const known = moveStatements.get(capabilities);
  if (known) return known;
  const isPostgres = capabilities.dialect === 'postgres';
  const idList = isPostgres ? '= any(?::bigint[])' : 'in (select value from json_each(?))';
  const ids = (list: readonly number[]) => (isPostgres ? list : JSON.stringify(list));
  const find = rawStatement(capabilities, `select * from messages where id ${idList}`);
  // One statement per combination of the optional columns (at most eight texts).
  const updates = new Map<string, (parameters: readonly unknown[]) => CompiledQuery>();
  const insert = isPostgres
    ? rawStatement(capabilities, 'insert into message_events (message_id, state, error, at) select * from unnest(?::bigint[], ?::text[], ?::text[], ?::bigint[])')
    : rawStatement(capabilities, 'insert into message_events (message_id, state, error, at) select value ->> 0, value ->> 1, value ->> 2, value ->> 3 from json_each(?)');
  // The queue condition is written into the SQL (not bound), so the planner uses the partial queue index.
  const queued = rawStatement(capabilities, "select * from messages where channel_id = ? and state = 'queued' order by priority desc, id limit ?");
  const heads = rawStatement(capabilities, "select id, recipient, application, priority from messages where channel_id = ? and state = 'queued' order by priority desc, id limit ?");
  const statements: MoveStatements = {
    nextQueued: (channelId, limit) => queued([channelId, limit]),
    peekQueued: (channelId, limit) => heads([channelId, limit]),
    findByIds: (list) => find([ids(list)]),
    updateStates: (update, list) => {
      const sets = ['state = ?', 'updated_at = ?', ...(update.error ? ['last_error = ?'] : []), ...(update.deviceId !== undefined ? ['device_id = ?'] : []), ...(update.isAttempt ? ['attempts = attempts + 1'] : [])];
      const parameters = [update.to, update.at, ...(update.error ? [update.error] : []), ...(update.deviceId !== undefined ? [update.deviceId] : [])];
      const text = `update messages set ${sets.join(', ')} where id ${idList} and state = ?`;
      let statement = updates.get(text);
      if (!statement) updates.set(text, (statement = rawStatement(capabilities, text)));
      return statement([...parameters, ids(list), update.from]);
    },
    insertEvents: (events) =>
      isPostgres
        ? insert([events.map((event) => event.messageId), events.map((event) => event.state), events.map((event) => event.error), events.map((event) => event.at)])
        : insert([JSON.stringify(events.map((event) => [event.messageId, event.state, event.error, event.at]))]),
  };
  moveStatements.set(capabilities, statements);
  return statements;
}

/** About 3 ms of SQLite per slice on a 2-vCPU machine (a number filter over 2 000 000 messages of one project). */
const SEARCH_SLICE_ROWS = 5_000;

export class SqlMessageStore implements MessageStore {
  private readonly statements: MoveStatements;

  constructor(
    private readonly db: Kysely<Schema>,
    capabilities: DialectCapabilities,
    /** Project messages a narrowed search looks at per statement (see `search`). */
    private readonly sliceRows = SEARCH_SLICE_ROWS,
  ) {
    this.statements = moveStatementsFor(capabilities);
  }

  async findById(id: number): Promise<OutboundMessage | undefined> {
    const row = await this.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toMessage(row) : undefined;
  }

  async listByPush(pushId: number): Promise<OutboundMessage[]> {
    const rows = await this.db.selectFrom('messages').selectAll().where('push_id', '=', pushId).orderBy('id').execute();
    return rows.map(toMessage);
  }

  async nextQueued(channelId: number, limit: number): Promise<OutboundMessage[]> {
    const { rows } = await this.db.executeQuery<MessageRow>(this.statements.nextQueued(channelId, limit));
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

  async queueDepth(): Promise<{ projectId: number; application: number; count: number }[]> {
    // Counted by channel over the partial `messages_queue` index alone (it holds channel_id; project and
    // application would need each row's table page), then named by its channel: the cost follows the
    // queue's index, not the table, and the scrape does not stall the event loop on a long backlog.
    const rows = await this.db
      .selectFrom((qb) =>
        qb
          .selectFrom('messages')
          .select(['channel_id', (eb) => eb.fn.countAll<number>().as('count')])
          .where('state', '=', QUEUED)
          .groupBy('channel_id')
          .as('queue'),
      )
      .innerJoin('channels', 'channels.id', 'queue.channel_id')
      .select(['channels.project_id', 'channels.kind', 'queue.count'])
      .execute();
    return rows.map((row) => ({ projectId: Number(row.project_id), application: Number(row.kind), count: Number(row.count) }));
  }

  async findByIds(ids: readonly number[]): Promise<OutboundMessage[]> {
    const found: OutboundMessage[] = [];
    // Chunks keep the IN list under every driver's parameter limit.
    for (let start = 0; start < ids.length; start += 5000) {
      const { rows } = await this.db.executeQuery<MessageRow>(this.statements.findByIds(ids.slice(start, start + 5000)));
      for (const row of rows) found.push(toMessage(row));
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

  /**
   * The dispatcher's read: a round may look at many more rows than its devices have room for (recipients
   * whose device is busy), so it reads only what choosing a device needs; the claim reads whole rows of the
   * messages it takes.
   */
  async peekQueued(channelIds: readonly number[], limit: number): Promise<QueuedHead[]> {
    const lists = await Promise.all(channelIds.map(async (channelId) => (await this.db.executeQuery<QueuedHead>(this.statements.peekQueued(channelId, limit))).rows));
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
      const result = await this.db.executeQuery(this.statements.updateStates(update, update.messageIds.slice(start, start + 5000)));
      moved += Number(result.numAffectedRows ?? 0);
    }
    return moved;
  }

  async insertEvents(events: readonly MessageEvent[]): Promise<void> {
    for (let start = 0; start < events.length; start += 5000) await this.db.executeQuery(this.statements.insertEvents(events.slice(start, start + 5000)));
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

  async search(filter: MessageSearch): Promise<OutboundMessage[]> {
    const isNarrowed = filter.recipient !== undefined || filter.state !== undefined || filter.from !== undefined || filter.until !== undefined;
    // A push's messages (its own index) and a project's newest (the project index) are read as far as the
    // page goes; nothing else needs slicing.
    if (filter.pushId !== undefined || !isNarrowed) return this.searchBetween(filter, filter.beforeId, undefined, filter.limit);
    // A filter the indexes cannot answer (a number, a state, a time) may have to look at every message of
    // a large project. It does so a slice of the project's messages at a time, newest first, letting
    // other work run between slices: one search never holds the database (on SQLite, the event loop) for
    // longer than a slice takes.
    const found: OutboundMessage[] = [];
    let before = filter.beforeId;
    for (;;) {
      const slice = await this.nextSlice(filter.projectId, before);
      if (slice === undefined) return found;
      found.push(...(await this.searchBetween(filter, before, slice.lowestId, filter.limit - found.length)));
      if (found.length >= filter.limit || !slice.isFull) return found;
      before = slice.lowestId;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** The next `sliceRows` messages of the project below `before`, from the project index alone. */
  private async nextSlice(projectId: number, before: number | undefined): Promise<{ lowestId: number; isFull: boolean } | undefined> {
    let ids = this.db.selectFrom('messages').select('id').where('project_id', '=', projectId);
    if (before !== undefined) ids = ids.where('id', '<', before);
    const row = await this.db
      .selectFrom(ids.orderBy('id', 'desc').limit(this.sliceRows).as('slice'))
      .select((eb) => [eb.fn.min<number>('slice.id').as('lowest'), eb.fn.countAll<number>().as('count')])
      .executeTakeFirst();
    if (row === undefined || row.lowest === null || Number(row.count) === 0) return undefined;
    return { lowestId: Number(row.lowest), isFull: Number(row.count) === this.sliceRows };
  }

  /** The page's rows with ids in [`lowest`, `before`), newest first. */
  private async searchBetween(filter: MessageSearch, before: number | undefined, lowest: number | undefined, limit: number): Promise<OutboundMessage[]> {
    let query = this.db.selectFrom('messages').selectAll().where('project_id', '=', filter.projectId);
    if (filter.pushId !== undefined) query = query.where('push_id', '=', filter.pushId);
    if (filter.recipient !== undefined) query = query.where('recipient', '=', filter.recipient);
    if (filter.state !== undefined) query = query.where('state', '=', filter.state);
    if (filter.from !== undefined) query = query.where('created_at', '>=', filter.from);
    if (filter.until !== undefined) query = query.where('created_at', '<', filter.until);
    if (before !== undefined) query = query.where('id', '<', before);
    if (lowest !== undefined) query = query.where('id', '>=', lowest);
    const rows = await query.orderBy('id', 'desc').limit(limit).execute();
    return rows.map(toMessage);
  }
}
