// `switchboard channel create` linking Meta channels: credentials accepted, shown masked, stored sealed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCliEnv, type CliEnv } from './support/cli-env.js';

let cli: CliEnv;

beforeAll(async () => {
  cli = await openCliEnv('sb-meta-cli-', { SWITCHBOARD_MASTER_TOKEN: 'meta-cli-master-token-0123456789', SWITCHBOARD_PUBLIC_URL: 'https://gateway.example.com' });
});
afterAll(async () => {
  await cli.close();
});

const run = (...args: string[]) => cli.run(...args);

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
