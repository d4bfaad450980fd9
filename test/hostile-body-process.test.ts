// The real `switchboard serve` process, sent the multipart body that used to end it (cut off inside a
// file part, no token needed): it answers 410 and keeps running.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from './support/agents.js';
import { buildCli, type BuiltCli } from './support/built-cli.js';
import { freePort } from './support/free-port.js';

let cli: BuiltCli;
let child: ChildProcess | undefined;
const dataDir = mkdtempSync(join(tmpdir(), 'sb-hostile-'));

beforeAll(async () => {
  cli = await buildCli();
}, 120_000);
afterAll(async () => {
  if (child && child.exitCode === null) {
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
  }
  cli.remove();
  rmSync(dataDir, { recursive: true, force: true });
});


/** Sends raw bytes on one connection and answers what the server wrote before closing it. */
async function rawRequest(port: number, bytes: string): Promise<string> {
  const socket = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk) => chunks.push(chunk));
  await new Promise<void>((resolve, reject) => {
    socket.once('close', () => resolve());
    socket.once('error', reject);
    socket.write(bytes);
  });
  return Buffer.concat(chunks).toString('utf8');
}

describe('switchboard serve', () => {
  it('answers a multipart body cut off inside a file part with 410 and keeps running', { timeout: 60_000 }, async () => {
    const port = await freePort();
    const exited: (number | null)[] = [];
    // SQLite in its own data directory, whatever DATABASE_URL the test run has: the process is what is tested.
    child = spawn(process.execPath, [cli.bin, 'serve'], {
      env: { ...process.env, DATABASE_URL: '', PORT: String(port), HOST: '127.0.0.1', SWITCHBOARD_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const stderr: string[] = [];
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
    child.once('exit', (code) => exited.push(code));
    const url = `http://127.0.0.1:${port}`;
    await waitUntil(async () => exited.length > 0 || (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200, 30_000);
    expect(exited, stderr.join('')).toEqual([]);

    const body = '--B\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello';
    const answer = await rawRequest(port, `POST /api/v2/check-balance HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: multipart/form-data; boundary=B\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
    expect(answer).toMatch(/^HTTP\/1\.1 200 /);
    expect(JSON.parse(answer.split('\r\n\r\n')[1]!)).toMatchObject({ status: 410, message: 'Invalid Request' });

    // Still serving: the probe answers, and the process has not exited.
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(exited, stderr.join('')).toEqual([]);
  });
});
