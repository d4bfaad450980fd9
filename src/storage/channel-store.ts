// Channels configured per project, in SQL.
import type { Kysely } from 'kysely';
import type { Application } from '../core/applications.js';
import type { ChannelRecord } from '../core/channels/channel.js';
import type { ChannelStore } from '../core/stores.js';
import type { ChannelRow, Schema } from './schema.js';

function toChannel(row: Omit<ChannelRow, 'id'> & { id: number }): ChannelRecord {
  return {
    id: row.id,
    projectId: row.project_id,
    kind: row.kind as Application,
    name: row.name,
    settings: JSON.parse(row.settings) as Record<string, unknown>,
    status: row.status as ChannelRecord['status'],
    createdAt: row.created_at,
  };
}

export class SqlChannelStore implements ChannelStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async create(channel: Omit<ChannelRecord, 'id' | 'createdAt'>, at: number): Promise<ChannelRecord> {
    const row = await this.db
      .insertInto('channels')
      .values({ project_id: channel.projectId, kind: channel.kind, name: channel.name, settings: JSON.stringify(channel.settings), status: channel.status, created_at: at, updated_at: at })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toChannel(row);
  }

  async findById(id: number): Promise<ChannelRecord | undefined> {
    const row = await this.db.selectFrom('channels').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toChannel(row) : undefined;
  }

  async listByProject(projectId: number): Promise<ChannelRecord[]> {
    const rows = await this.db.selectFrom('channels').selectAll().where('project_id', '=', projectId).orderBy('id').execute();
    return rows.map(toChannel);
  }

  async update(id: number, changes: Partial<Pick<ChannelRecord, 'name' | 'settings' | 'status'>>, at: number): Promise<void> {
    const { name, settings, status } = changes;
    await this.db
      .updateTable('channels')
      .set({ updated_at: at, ...(name !== undefined && { name }), ...(status !== undefined && { status }), ...(settings !== undefined && { settings: JSON.stringify(settings) }) })
      .where('id', '=', id)
      .execute();
  }
}
