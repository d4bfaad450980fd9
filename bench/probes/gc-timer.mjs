// A probe for bench:load (BENCH_SQLPROF=./bench/probes/gc-timer.mjs): loaded into each gateway with
// --import, it counts the garbage collections by kind (minor = scavenges of the young generation, major,
// incremental marking) with their total and longest pause, and samples the heap in use every second;
// writes them to /tmp/gc-timer-<pid>.json every second and when the process exits.
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { writeFileSync } from 'node:fs';

const KINDS = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak_callbacks',
};
const pauses = {};
const heapUsedMb = [];

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = KINDS[entry.detail.kind] ?? String(entry.detail.kind);
    const total = (pauses[kind] ??= { count: 0, total_ms: 0, max_ms: 0 });
    total.count += 1;
    total.total_ms += entry.duration;
    total.max_ms = Math.max(total.max_ms, entry.duration);
  }
}).observe({ entryTypes: ['gc'] });

const write = () => writeFileSync(`/tmp/gc-timer-${process.pid}.json`, JSON.stringify({ pauses, heap_used_mb_each_second: heapUsedMb }));
setInterval(() => {
  heapUsedMb.push(Math.round(process.memoryUsage().heapUsed / 1e6));
  write();
}, 1000).unref();
process.on('exit', write);
