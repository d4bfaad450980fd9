// A probe for bench:load (BENCH_SQLPROF=bench/probes/request-timer.mjs): loaded into each gateway with
// --import, it measures what the gateway itself holds a request — from the 'request' event to the
// response's 'finish' — and, per keep-alive connection, the wait from one response to its next request;
// writes both distributions to /tmp/request-timer-<pid>.txt when the process exits. Compared with the load
// generator's latency, it tells the gateway's share of a tail from the rest of the path.
import http from 'node:http';
import { writeFileSync } from 'node:fs';

const held = [];
const between = [];
const originalEmit = http.Server.prototype.emit;

http.Server.prototype.emit = function emit(event, request, response) {
  if (event === 'request') {
    const started = process.hrtime.bigint();
    const socket = request.socket;
    if (socket.benchLastFinish !== undefined) between.push(Number(started - socket.benchLastFinish) / 1e6);
    response.once('finish', () => {
      socket.benchLastFinish = process.hrtime.bigint();
      held.push(Number(socket.benchLastFinish - started) / 1e6);
    });
  }
  return originalEmit.apply(this, arguments);
};

function summary(values) {
  values.sort((a, b) => a - b);
  const at = (share) => values[Math.floor(share * (values.length - 1))]?.toFixed(2);
  return `n=${values.length} p50 ${at(0.5)} p90 ${at(0.9)} p99 ${at(0.99)} p99.9 ${at(0.999)} max ${at(1)} ms`;
}

process.on('exit', () => {
  writeFileSync(`/tmp/request-timer-${process.pid}.txt`, `request → answer: ${summary(held)}\nanswer → next request on the connection: ${summary(between)}\n`);
});
