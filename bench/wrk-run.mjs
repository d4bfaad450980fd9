// wrk (the load generator: C, one thread, far lighter than autocannon) for bench:load: runs
// `wrk -t1 -cN -dS --latency` with a Lua script that posts the body with the recipient cycling over
// 10 000 numbers, and parses its report into the fields the autocannon path gives.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasWrk = () => spawnSync('wrk', ['--version']).error === undefined;

/** A Lua script for wrk: the body's `{NUMBER}` becomes 15550000000 + a counter modulo 10 000. */
function luaScript(body) {
  const [before, after] = body.split('{NUMBER}');
  return [
    'wrk.method = "POST"',
    'wrk.headers["Content-Type"] = "application/json"',
    `local before, after = ${JSON.stringify(before)}, ${JSON.stringify(after ?? '')}`,
    'local counter = 0',
    'request = function()',
    '  counter = (counter + 1) % 10000',
    '  return wrk.format(nil, nil, nil, before .. tostring(15550000000 + counter) .. after)',
    'end',
  ].join('\n');
}

/** wrk prints durations as 812.00us, 1.23ms or 1.05s: milliseconds. */
function milliseconds(text) {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text);
  if (!match) return NaN;
  const factor = { us: 0.001, ms: 1, s: 1000, m: 60000 }[match[2]];
  return +(Number(match[1]) * factor).toFixed(2);
}

function parse(output) {
  const number = (pattern) => Number(pattern.exec(output)?.[1] ?? 0);
  const percentile = (p) => milliseconds(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm').exec(output)?.[1] ?? '');
  const requests = number(/(\d+) requests in/);
  const non2xx = number(/Non-2xx or 3xx responses: (\d+)/);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  return {
    rps: Math.round(number(/Requests\/sec:\s+([\d.]+)/)),
    p50: percentile(50),
    p99: percentile(99),
    ok: requests - non2xx,
    non2xx,
    errors: socket ? Number(socket[1]) + Number(socket[2]) + Number(socket[3]) : 0,
    timeouts: socket ? Number(socket[4]) : 0,
  };
}

/** One wrk run against `url`; resolves with its parsed report. */
export async function wrk(url, body, connections, seconds) {
  const dir = mkdtempSync(join(tmpdir(), 'sb-wrk-'));
  const script = join(dir, 'push.lua');
  writeFileSync(script, luaScript(body));
  try {
    const child = spawn('wrk', ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', '-s', script, url], { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => (output += chunk));
    const code = await new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`wrk exited with ${code}: ${output}`);
    return parse(output);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
