// `switchboard channel create` linking Meta channels: credentials accepted, shown masked, stored sealed.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';
import { dropPostgresSchema } from '../src/storage/index.js';
import { newSchemaName, POSTGRES_URL, urlWithSchema } from './support/test-storage.js';

const schema = newSchemaName();
let env: Record<string, string>;

beforeAll(async () => {
  env = { SWITCHBOARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-meta-cli-')), LOG_LEVEL: 'silent', SWITCHBOARD_MASTER_TOKEN: 'meta-cli-master-token-0123456789', SWITCHBOARD_PUBLIC_URL: 'https://gateway.example.com' };
  if (POSTGRES_URL) {
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    await client.query(`CREATE SCHEMA "${schema}"`);
    await client.end();
    env.DATABASE_URL = urlWithSchema(POSTGRES_URL, schema);
  }
});
afterAll(async () => {
  if (POSTGRES_URL) await dropPostgresSchema(POSTGRES_URL, schema);
});

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, env, { stdout: (text) => out.push(text), stderr: (text) => err.push(text) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('switchboard channel create for Meta', () => {
  it('links a Cloud API number and a Messenger Page, masking what it prints', async () => {
    const token = 'EAAGclitesttoken0123456789abcdef';
    const secret = '00112233445566778899aabbccddeeff';
    const cloud = await run('channel', 'create', '--project', '1', '--application', '101', '--phone-number-id', '1065403522', '--waba-id', '1022901293', '--access-token', token, '--app-secret', secret, '--verify-token', 'cli-verify', '--json');
    expect(cloud.code).toBe(0);
    expect(JSON.parse(cloud.out)).toMatchObject({ application: 101, phone_number_id: '1065403522', waba_id: '1022901293', access_token: 'EAAG…cdef', app_secret: '0011…eeff', webhook_url: 'https://gateway.example.com/webhooks/meta' });
    expect(cloud.out + cloud.err).not.toContain(token);
    expect(cloud.out + cloud.err).not.toContain(secret);
    expect(cloud.out + cloud.err).not.toContain('cli-verify');
    const page = await run('channel', 'create', '--project', '1', '--application', '5', '--page-id', '1122334455', '--access-token', token, '--app-secret', secret, '--verify-token', 'v2');
    expect(page.code).toBe(0);
    expect(page.out).toContain('https://gateway.example.com/webhooks/meta');
  });

  it('refuses a Meta channel without its ids and an unknown application', async () => {
    const missing = await run('channel', 'create', '--project', '1', '--application', '8', '--access-token', 'x', '--app-secret', 'y', '--verify-token', 'z');
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain('phone_number_id');
    expect((await run('channel', 'create', '--project', '1', '--application', '3')).code).not.toBe(0);
  });
});
