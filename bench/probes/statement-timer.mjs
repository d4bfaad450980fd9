// A probe for bench:load (BENCH_SQLPROF=bench/probes/statement-timer.mjs): loaded into each gateway with
// --import, it times every better-sqlite3 statement by its SQL text and writes the 40 costliest to
// /tmp/statement-timer-<pid>.txt when the process exits (total ms, calls, µs per call, the SQL).
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';

const require = createRequire(new URL('../../package.json', import.meta.url));
const Database = require('better-sqlite3');
const Statement = Object.getPrototypeOf(new Database(':memory:').prepare('select 1'));
const totals = new Map();

for (const method of ['run', 'all', 'get', 'iterate']) {
  const original = Statement[method];
  Statement[method] = function timed(...args) {
    const started = process.hrtime.bigint();
    try {
      return original.apply(this, args);
    } finally {
      const micros = Number(process.hrtime.bigint() - started) / 1000;
      const sql = this.source.replace(/\s+/g, ' ').slice(0, 140);
      const total = totals.get(sql) ?? { calls: 0, micros: 0 };
      total.calls += 1;
      total.micros += micros;
      totals.set(sql, total);
    }
  };
}

process.on('exit', () => {
  const lines = [...totals]
    .sort((a, b) => b[1].micros - a[1].micros)
    .slice(0, 40)
    .map(([sql, { calls, micros }]) => `${(micros / 1000).toFixed(0).padStart(7)} ms ${String(calls).padStart(7)}x ${(micros / calls).toFixed(1).padStart(7)} µs  ${sql}`);
  writeFileSync(`/tmp/statement-timer-${process.pid}.txt`, `${lines.join('\n')}\n`);
});
