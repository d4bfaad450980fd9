// A probe for bench:load (BENCH_SQLPROF=./bench/probes/loop-delay.mjs): loaded into each gateway with
// --import, it measures how late a 1 ms timer fires (perf_hooks' monitorEventLoopDelay), which is how long
// the event loop's turns run; writes [p50, p99, max] in ms for each second to /tmp/loop-delay-<pid>.json.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { writeFileSync } from 'node:fs';

const histogram = monitorEventLoopDelay({ resolution: 1 });
histogram.enable();
const ms = (nanoseconds) => Math.round(nanoseconds / 1e4) / 100;
const seconds = [];
setInterval(() => {
  seconds.push([ms(histogram.percentile(50)), ms(histogram.percentile(99)), ms(histogram.max)]);
  histogram.reset();
  writeFileSync(`/tmp/loop-delay-${process.pid}.json`, JSON.stringify(seconds));
}, 1000).unref();
