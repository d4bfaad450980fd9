// The command line, run in-process against real storage (a temp SQLite file, or a PostgreSQL schema).
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { POSTGRES_URL } from './support/test-storage.js';
import { createGateway } from '../src/app/index.js';
import { loadConfig } from '../src/config/index.js';
import { answer, startWebhookReceiver } from './support/webhook-receiver.js';
import { buildCli, type BuiltCli } from './support/built-cli.js';
import { openCliEnv, type CliEnv } from './support/cli-env.js';

/** Sets project 1's global webhook through the services (the CLI has no command for it; the PM API does). */
async function withProjectWebhook(environment: Record<string, string>, url: string): Promise<void> {
  const gateway = await createGateway({ config: loadConfig({ env: environment }) });
  try {
    await gateway.services.projects.setWebhooks(1, 1, { globalWebhook: url });
  } finally {
    await gateway.close();
  }
}

let cli: CliEnv;
let env: Record<string, string>;

beforeAll(async () => {
  cli = await openCliEnv('sb-cli-', { SWITCHBOARD_MASTER_TOKEN: 'cli-master-token-0123456789' });
  env = cli.env;
});
afterAll(async () => {
  await cli.close();
});

const run = (...args: string[]) => cli.run(...args);

describe('switchboard CLI', () => {
  it('migrates, and creates the account with a demo project on first use', async () => {
    const migrate = await run('migrate', '--json');
    expect(migrate.code).toBe(0);
    expect(JSON.parse(migrate.out)).toMatchObject({ applied: ['0001_foundation', '0002_push', '0003_bridge', '0004_webhooks', '0005_calls', '0006_whatsapp_web', '0007_sealed_secrets', '0008_webhook_lanes', '0009_meta_channels', '0010_console_sessions', '0011_android_devices', '0012_messages_by_project'] });
    const list = await run('project', 'list', '--json');
    expect(list.code).toBe(0);
    expect(list.err).toContain('Demo project API token');
    expect(JSON.parse(list.out)).toMatchObject([{ project_id: '1', project_name: 'Demo', project_status: 'Active' }]);
  });

  it('creates a project and manages its tokens', async () => {
    const created = await run('project', 'create', '--name', 'Shop', '--plan', '2', '--time-zone', 'Europe/Paris', '--ip', '10.0.0.1', '--json');
    expect(created.code).toBe(0);
    const project = JSON.parse(created.out);
    expect(project).toMatchObject({ project_name: 'Shop', billing_plan: 2, amount_debited: '5', api_tokens: [{ ip: '10.0.0.1' }] });

    const token = JSON.parse((await run('token', 'create', '--project', project.project_id, '--json')).out);
    expect(token.token).toMatch(/^[0-9a-f]{40}$/);
    expect((await run('token', 'disable', token.token)).out).toBe(`token ${token.token_id} disabled`);
    expect((await run('token', 'enable', token.token_id)).out).toBe(`token ${token.token_id} active`);
    expect((await run('token', 'delete', token.token_id)).code).toBe(0);
    const tokens = JSON.parse((await run('token', 'list', '--project', project.project_id, '--json')).out);
    expect(tokens.map((t: { status: string }) => t.status)).toEqual(['active', 'deleted']);
    expect(JSON.stringify(tokens)).not.toContain(token.token);
    expect((await run('project', 'delete', project.project_id)).out).toBe(`project ${project.project_id} deleted`);
  });

  it('tests the webhook, lists and replays deliveries, and shows and rotates the signing secret', async () => {
    const receiver = await startWebhookReceiver();
    try {
      receiver.respond(answer(200, JSON.stringify({ 'message-out': 'pong', delay: 5 })));
      const envWithPrivate = { ...env, SWITCHBOARD_ALLOW_PRIVATE_URLS: 'true' };
      const runPrivate = async (...args: string[]) => {
        const out: string[] = [];
        const code = await main(args, envWithPrivate, { stdout: (text) => out.push(text), stderr: () => undefined });
        return { code, out: out.join('\n') };
      };
      expect((await runPrivate('webhook', 'test', '--project', '1')).code).toBe(1);
      const secret = (await run('webhook', 'secret', '--project', '1')).out;
      expect(secret).toMatch(/^whsec_[0-9a-f]{48}$/);
      const rotated = JSON.parse((await run('webhook', 'secret', '--project', '1', '--rotate', '--json')).out);
      expect(rotated.webhook_secret).not.toBe(secret);
      // Configure the webhook the way the PM API does, through the same service.
      await withProjectWebhook(envWithPrivate, `${receiver.url}/cli`);
      // Without the setting, the refusal names it.
      const refused = await run('webhook', 'test', '--project', '1');
      expect(refused.out).toMatch(/not delivered: URL refused: .*; SWITCHBOARD_ALLOW_PRIVATE_URLS=true allows it/);
      const tested = await runPrivate('webhook', 'test', '--project', '1');
      expect(tested.code).toBe(0);
      expect(tested.out).toContain('HTTP 200');
      expect(tested.out).toContain('instant reply: "pong", delay 5 s, application 0');
      expect(receiver.calls).toHaveLength(1);
      expect((await run('webhook', 'log', '--project', '1')).out).toBe('no webhook deliveries');
      expect((await run('webhook', 'replay', '--project', '1', '--delivery', '999')).code).toBe(1);
    } finally {
      await receiver.close();
    }
  });

  it('creates, lists, shows the QR code of and deletes WhatsApp Web channels', async () => {
    const created = await run('channel', 'create', '--project', '1', '--name', 'Support', '--echo', '--json');
    expect(created.code).toBe(0);
    const channel = JSON.parse(created.out);
    expect(channel).toMatchObject({ application: 10, name: 'Support', settings: { echo_messages: true } });
    const list = await run('channel', 'list', '--project', '1', '--json');
    expect(JSON.parse(list.out)).toContainEqual(expect.objectContaining({ channel_id: channel.channel_id, session_status: 'UNPAIRED' }));
    const noQr = await run('channel', 'qr', '--project', '1', '--channel', channel.channel_id);
    expect(noQr.out).toContain('no QR code is showing');
    // A running gateway's session would have stored its QR code in the row.
    const gateway = await createGateway({ config: loadConfig({ env }) });
    try {
      await gateway.storage.stores.whatsappWeb.ensureSession(Number(channel.channel_id), 1, 1);
      await gateway.storage.stores.whatsappWeb.updateSession(Number(channel.channel_id), { qr: '2@cli-qr' }, 2);
    } finally {
      await gateway.close();
    }
    const qr = await run('channel', 'qr', '--project', '1', '--channel', channel.channel_id);
    expect(qr.code).toBe(0);
    expect(qr.out).toMatch(/[▀▄█]/);
    const deleted = await run('channel', 'delete', '--project', '1', '--channel', channel.channel_id, '--json');
    expect(JSON.parse(deleted.out)).toMatchObject({ channel_status: 'deleted' });
    expect((await run('channel', 'qr', '--project', '1', '--channel', channel.channel_id)).code).toBe(1);
  });

  it('tops the wallet up and shows the ledger', async () => {
    const before = JSON.parse((await run('credit', 'balance', '--json')).out).balance;
    const added = await run('credit', 'add', '12.5', '--reason', 'invoice 42', '--json');
    expect(JSON.parse(added.out)).toEqual({ added: '12.5', balance: String(Number(before) + 12.5) });
    const history = JSON.parse((await run('credit', 'history', '--json', '--limit', '1')).out);
    expect(history).toMatchObject([{ kind: 'credit', amount: '12.5', reason: 'invoice 42' }]);
  });

  it('answers usage errors with code 2 and domain refusals with code 1', async () => {
    expect((await run('credit', 'add', 'lots')).code).toBe(2);
    expect((await run('project', 'create', '--bogus')).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
    const refused = await run('project', 'create', '--name', 'this name is far too long');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('project_name is longer than 20 characters');
    const badConfig = await main(['migrate'], { ...env, PORT: 'x' }, { stdout: () => undefined, stderr: () => undefined });
    expect(badConfig).toBe(2);
  });

  it('reads ./switchboard.json: every command uses the database and settings it names, and says which database it opened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-cli-cwd-'));
    const databaseUrl = env.DATABASE_URL ?? `sqlite:${join(dir, 'shared.db')}`;
    const file = join(dir, 'switchboard.json');
    writeFileSync(file, JSON.stringify({ DATABASE_URL: databaseUrl, SWITCHBOARD_ALLOW_PRIVATE_URLS: true }));
    // What an operator's shell has: neither the database nor the private-URL setting.
    const bare = { SWITCHBOARD_DATA_DIR: env.SWITCHBOARD_DATA_DIR!, LOG_LEVEL: 'silent', SWITCHBOARD_MASTER_TOKEN: env.SWITCHBOARD_MASTER_TOKEN! };
    const runHere = async (...args: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(args, bare, { stdout: (text) => out.push(text), stderr: (text) => err.push(text) }, dir);
      return { code, out: out.join('\n'), err: err.join('\n') };
    };
    const list = await runHere('project', 'list', '--json');
    expect(list.code).toBe(0);
    expect(JSON.parse(list.out)).toContainEqual(expect.objectContaining({ project_id: '1' }));
    const opened = POSTGRES_URL ? `PostgreSQL ${new URL(databaseUrl).toString()}` : `SQLite ${join(dir, 'shared.db')}`;
    expect(list.err.split('\n')[0]).toBe(`database: ${opened} (settings from ${file})`);
    expect((await runHere('credit', 'balance')).err).toBe(`database: ${opened} (settings from ${file})`);

    const receiver = await startWebhookReceiver();
    try {
      receiver.respond(answer(200, '{}'));
      await withProjectWebhook({ ...bare, DATABASE_URL: databaseUrl, SWITCHBOARD_ALLOW_PRIVATE_URLS: 'true' }, `${receiver.url}/from-file`);
      const tested = await runHere('webhook', 'test', '--project', '1');
      expect(tested.err).not.toContain('SWITCHBOARD_ALLOW_PRIVATE_URLS');
      expect(tested.code).toBe(0);
      expect(receiver.calls).toHaveLength(1);
    } finally {
      await receiver.close();
    }
    // The environment still wins over the file.
    const overridden = await main(['migrate'], { ...bare, DATABASE_URL: 'mysql://nope' }, { stdout: () => undefined, stderr: () => undefined }, dir);
    expect(overridden).toBe(2);
  });

  it('names the option a mistyped one probably meant, and says amounts are positive', async () => {
    const typo = await run('serve', '--prot', '9000');
    expect(typo.code).toBe(2);
    expect(typo.err.split('\n')[0]).toBe('unknown option --prot (did you mean --port?)');
    expect((await run('project', 'create', '--nmae', 'Shop')).err.split('\n')[0]).toBe('unknown option --nmae (did you mean --name?)');
    expect((await run('project', 'list', '--frobnicate')).err.split('\n')[0]).toBe('unknown option --frobnicate');
    const negative = await run('credit', 'add', '-5');
    expect(negative.code).toBe(2);
    expect(negative.err.split('\n')[0]).toBe("'-5' is not accepted: amounts and ids are positive numbers");
  });

  it('explains start-up failures in one line with the fix: a port in use, PostgreSQL unreachable', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const busy = await run('serve', '--port', String(port), '--host', '127.0.0.1');
      expect(busy.code).toBe(1);
      expect(busy.err.split('\n').at(-1)).toBe(`switchboard serve: port ${port} on 127.0.0.1 is already in use by another program: stop it, or choose another port with --port or PORT`);
      expect(busy.err).not.toMatch(/^\s+at /m);
      // On a first start the account's secrets exist only in that process: they are shown even so.
      const fresh = { SWITCHBOARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-cli-busy-')), DATABASE_URL: '', LOG_LEVEL: 'silent' };
      const out: string[] = [];
      const code = await main(['serve', '--port', String(port), '--host', '127.0.0.1'], fresh, { stdout: (text) => out.push(text), stderr: () => undefined });
      expect(code).toBe(1);
      expect(out.join('\n')).toMatch(/Master token \(pm\/\* API\): +[0-9a-f]{20,}/);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
    for (const command of [['serve'], ['project', 'list']]) {
      const out: string[] = [];
      const err: string[] = [];
      const code = await main(command, { ...env, DATABASE_URL: 'postgres://postgres:secret@127.0.0.1:1/x' }, { stdout: (text) => out.push(text), stderr: (text) => err.push(text) });
      expect(code).toBe(1);
      const line = err.at(-1)!;
      expect(line).toMatch(new RegExp(`^switchboard ${command.join(' ')}: cannot reach PostgreSQL postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:1/x: .*ECONNREFUSED.*; start PostgreSQL or fix DATABASE_URL$`));
      expect(err.join('\n')).not.toMatch(/^\s+at /m);
      expect(err.join('\n')).not.toContain('secret');
    }
  });

  it('prints help for the program, a group and a command', async () => {
    expect((await run('--help')).out).toContain('project create');
    expect((await run('token', '--help')).out).toContain('token disable');
    expect((await run('credit', 'add', '--help')).out).toContain('Usage: switchboard credit add <amount>');
  });

  it('runs as the package bin', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [new URL('../bin/switchboard.js', import.meta.url).pathname, '--help']);
    expect(stdout).toContain('Usage: switchboard');
  });
});

describe('switchboard as a process', () => {
  let cli: BuiltCli;
  beforeAll(async () => {
    cli = await buildCli();
  }, 120_000);
  afterAll(() => cli.remove());

  it('refuses DATABASE_URL=mysql://x with exit code 2 before touching anything', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'sb-cli-mysql-')), 'never');
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      // The bound ends a gateway that starts anyway (on SQLite, as it did before DATABASE_URL was checked).
      execFile(process.execPath, [cli.bin, 'serve'], { env: { ...process.env, DATABASE_URL: 'mysql://x', SWITCHBOARD_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' }, timeout: 15_000 }, (error, _stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stderr }),
      );
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('DATABASE_URL: a mysql: URL is not supported; use postgres://');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('logs its start as a JSON line: address, database kind, node id', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sb-cli-start-'));
    const child = spawn(process.execPath, [cli.bin, 'serve'], {
      env: { ...process.env, DATABASE_URL: '', SWITCHBOARD_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      let text = '';
      const started = await new Promise<Record<string, unknown>>((resolve, reject) => {
        child.stderr!.on('data', (chunk: Buffer) => {
          text += chunk.toString('utf8');
          const line = text.split('\n').find((each) => each.includes('"switchboard listening"'));
          if (line) resolve(JSON.parse(line) as Record<string, unknown>);
        });
        void exited.then(() => reject(new Error(`serve exited before listening: ${text}`)));
      });
      expect(started).toMatchObject({ level: 30, address: expect.stringMatching(/^127\.0\.0\.1:\d+$/), database: 'sqlite', nodeId: 'local' });
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
