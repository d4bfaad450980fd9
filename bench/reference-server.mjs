// The ceilings the push benchmark compares against, run in their own process: a bare Fastify JSON echo,
// and the same route doing one plain SQLite insert per request.
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const database = new Database(join(mkdtempSync(join(tmpdir(), 'sb-bench-ref-')), 'ref.db'));
database.pragma('journal_mode = WAL');
database.pragma('synchronous = NORMAL');
database.exec('create table rows (id integer primary key autoincrement, body text not null, created_at integer not null)');
const insert = database.prepare('insert into rows (body, created_at) values (?, ?)');

const app = Fastify();
app.post('/echo', async (request) => request.body);
app.post('/insert', async (request) => {
  const result = insert.run(JSON.stringify(request.body), Date.now());
  return { status: 100, id: String(result.lastInsertRowid) };
});
await app.listen({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1' });
process.stdout.write(`${JSON.stringify({ ready: true, port: app.server.address().port })}\n`);
