// API tokens in SQL: only their hashes are stored.
import type { Kysely } from 'kysely';
import type { ApiToken, ApiTokenStatus, NewApiToken } from '../core/project.js';
import type { ApiTokenStore } from '../core/stores.js';
import type { ApiTokenRow, Schema } from './schema.js';

function toApiToken(row: Omit<ApiTokenRow, 'id'> & { id: number }): ApiToken {
  return {
    id: row.id,
    projectId: row.project_id,
    tokenHash: row.token_hash,
    hint: row.hint,
    ipAllowList: JSON.parse(row.ip_allow_list) as string[],
    status: row.status as ApiTokenStatus,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export class SqlApiTokenStore implements ApiTokenStore {
  constructor(private readonly db: Kysely<Schema>) {}

  async create(token: NewApiToken, at: number): Promise<ApiToken> {
    const row = await this.db
      .insertInto('api_tokens')
      .values({
        project_id: token.projectId,
        token_hash: token.tokenHash,
        hint: token.hint,
        ip_allow_list: JSON.stringify(token.ipAllowList),
        status: token.status,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toApiToken(row);
  }

  async findByHash(tokenHash: string): Promise<ApiToken | undefined> {
    const row = await this.db.selectFrom('api_tokens').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
    return row ? toApiToken(row) : undefined;
  }

  async findById(id: number): Promise<ApiToken | undefined> {
    const row = await this.db.selectFrom('api_tokens').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toApiToken(row) : undefined;
  }

  async listByProject(projectId: number): Promise<ApiToken[]> {
    const rows = await this.db.selectFrom('api_tokens').selectAll().where('project_id', '=', projectId).orderBy('id').execute();
    return rows.map(toApiToken);
  }

  async setStatus(id: number, status: ApiTokenStatus, at: number): Promise<void> {
    await this.db.updateTable('api_tokens').set({ status, updated_at: at }).where('id', '=', id).execute();
  }
}
