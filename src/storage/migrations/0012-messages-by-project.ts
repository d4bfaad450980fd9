// The console's message search reads a project's messages newest first: without an index of its own it
// walked every project's messages by primary key, holding the database for as long as the whole table took.
import type { Kysely, Migration } from 'kysely';

export function messagesByProjectMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createIndex('messages_by_project').on('messages').columns(['project_id', 'id']).execute();
    },
  };
}
