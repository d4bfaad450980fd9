// The console's message search on both dialects: a project's messages come from its own index, and a
// filter the indexes cannot answer is read a slice of the project at a time with the same rows as one read.
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageSearch } from '../src/core/index.js';
import { SqlMessageStore } from '../src/storage/message-store.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';
import { POSTGRES_URL } from './support/test-storage.js';

let t: TestGateway;
beforeEach(async () => {
  t = await startTestGateway();
});
afterEach(() => t.close());

/** Pushes `count` messages to three numbers in turn; answers their ids, newest first. */
async function pushMessages(count: number): Promise<number[]> {
  const data = Array.from({ length: count }, (_, index) => ({ number: `1555000000${index % 3}` }));
  const pushed = await t.post('push', { token: t.apiToken, application: 1, globalmessage: 'hello', data });
  expect(pushed.status).toBe(100);
  const rows = await t.gateway.storage.db.selectFrom('messages').select(['id', 'recipient']).where('push_id', '=', Number(pushed.push_id)).orderBy('id', 'desc').execute();
  return rows.map((row) => row.id);
}

describe('message search', () => {
  it('answers a narrowed search read in slices with the rows one read gives, page after page', async () => {
    const ids = await pushMessages(20);
    const whole = new SqlMessageStore(t.gateway.storage.db, t.gateway.storage.capabilities);
    // Three of the project's messages per slice: every search below crosses several slices.
    const sliced = new SqlMessageStore(t.gateway.storage.db, t.gateway.storage.capabilities, 3);
    const filters: MessageSearch[] = [
      { projectId: t.projectId, recipient: '15550000001', limit: 50 },
      { projectId: t.projectId, recipient: '15550000001', limit: 2 },
      { projectId: t.projectId, recipient: '15550000002', beforeId: ids[4], limit: 3 },
      { projectId: t.projectId, state: 'queued', limit: 7 },
      { projectId: t.projectId, recipient: '15550000000', from: 0, until: Date.now() + 60_000, limit: 50 },
      { projectId: t.projectId, recipient: '15559999999', limit: 50 },
    ];
    for (const filter of filters) {
      const expected = (await whole.search({ ...filter })).map((message) => message.id);
      expect((await sliced.search(filter)).map((message) => message.id)).toEqual(expected);
    }
    // Each of the 20 is found exactly once paging the number's messages two at a time.
    const paged: number[] = [];
    for (let beforeId: number | undefined; ; ) {
      const page = await sliced.search({ projectId: t.projectId, recipient: '15550000001', beforeId, limit: 2 });
      if (page.length === 0) break;
      paged.push(...page.map((message) => message.id));
      beforeId = page.at(-1)!.id;
    }
    expect(paged).toEqual(ids.filter((_, index) => (19 - index) % 3 === 1));
  });

  it("does not show another project's messages in a slice", async () => {
    await pushMessages(5);
    const sliced = new SqlMessageStore(t.gateway.storage.db, t.gateway.storage.capabilities, 2);
    expect(await sliced.search({ projectId: t.projectId + 1000, recipient: '15550000001', limit: 50 })).toEqual([]);
    expect(await sliced.search({ projectId: t.projectId + 1000, limit: 50 })).toEqual([]);
  });

  // PostgreSQL's planner chooses by the table's statistics, so only SQLite's plan is fixed enough to check.
  it.skipIf(POSTGRES_URL)('reads a project through its own index, not through every project', async () => {
    const plan = await sql<{ detail: string }>`explain query plan select * from messages where project_id = 1 order by id desc limit 50`.execute(t.gateway.storage.db);
    expect(plan.rows.map((row) => row.detail).join(' | ')).toContain('messages_by_project');
  });
});
