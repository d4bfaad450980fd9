// The project-management API end to end over HTTP, on real storage.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, startTestGateway, type TestGateway } from './support/test-gateway.js';

let t: TestGateway;
let clock: ManualClock;

beforeEach(async () => {
  clock = new ManualClock();
  t = await startTestGateway({ clock });
});
afterEach(async () => t.close());

const fullProject = {
  project_name: 'api test project1',
  number: '9234324324',
  company_name: 'picky test',
  country: 'IN',
  time_zone: 'Asia/Kolkata',
  date_format: 'DD-MM-YYYY',
  service: 1,
  billing_plan: 2,
  generate_api_token: true,
  token_ip_address: ['192.168.0.1', '202.164.148.84'],
  global_webhook: 'https://hooks.example/global.php?x=1',
  event_webhook: 'https://hooks.example/event.php',
  smart_reply_webhook: 'https://hooks.example/smart.php',
  notes: 'first customer',
};

describe('pm/create-project', () => {
  it('creates a project with every documented field, debits the plan fee and issues one token per IP', async () => {
    const answer = await t.post('pm/create-project', { token: t.masterToken, ...fullProject, project_name: 'api test 1' });
    expect(answer).toMatchObject({
      status: 100,
      message: 'Success',
      project_status: 'Active',
      project_name: 'api test 1',
      number: '9234324324',
      company_name: 'picky test',
      country: 'IN',
      time_zone: 'Asia/Kolkata',
      date_format: 'DD-MM-YYYY',
      service: 1,
      billing_plan: 2,
      global_webhook: 'https://hooks.example/global.php?x=1',
      event_webhook: 'https://hooks.example/event.php',
      smart_reply_webhook: 'https://hooks.example/smart.php',
      amount_debited: '5',
      next_billing_date: '15-02-2026',
      notes: 'first customer',
    });
    expect(answer).toMatchObject({ unbranded_keyword: '', branded_keyword: '' });
    expect(answer.project_id).toMatch(/^\d+$/);
    expect(answer.license_key).toMatch(/^[0-9a-f]{32}$/);
    const tokens = answer.api_tokens as { ip: string; token: string }[];
    expect(tokens.map((token) => token.ip)).toEqual(['192.168.0.1', '202.164.148.84']);
    for (const token of tokens) expect(token.token).toMatch(/^[0-9a-f]{40}$/);
    const balance = await t.post('pm/fetch-balance', { token: t.masterToken });
    expect(balance).toEqual({ status: 100, message: 'Success', balance: 95 });
  });

  it('returns a real PNG QR code that encodes the pairing URI', async () => {
    const answer = await t.post('pm/create-project', { token: t.masterToken, project_name: 'QR' });
    const png = Buffer.from(answer.qr_code_base64 as string, 'base64');
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.length).toBeGreaterThan(200);
  });

  it('defaults to pay-as-you-go, UTC, DD-MM-YYYY and no token', async () => {
    const answer = await t.post('pm/create-project', { token: t.masterToken, project_name: 'Minimal' });
    expect(answer).toMatchObject({ status: 100, billing_plan: 1, service: 1, time_zone: 'UTC', date_format: 'DD-MM-YYYY', api_tokens: [], amount_debited: '0', next_billing_date: '' });
  });

  it.each([
    [{ project_name: 'x'.repeat(21) }, 'project_name is longer than 20 characters'],
    [{ project_name: '' }, 'project_name is required'],
    [{ project_name: 'ok', notes: 'n'.repeat(251) }, 'notes is longer than 250 characters'],
    [{ project_name: 'ok', country: 'XX' }, "country 'XX' is not an ISO 3166 alpha-2 code"],
    [{ project_name: 'ok', time_zone: 'Mars/Olympus' }, "time_zone 'Mars/Olympus' is not an IANA time zone"],
    [{ project_name: 'ok', date_format: 'YY/MM' }, 'date_format must be one of'],
    [{ project_name: 'ok', service: 3 }, 'service must be 1'],
    [{ project_name: 'ok', billing_plan: 10 }, 'billing_plan must be 1-9'],
    [{ project_name: 'ok', service: 2, billing_plan: 3 }, 'billing_plan 3 (Phone Automation Medium) belongs to service 1'],
    [{ project_name: 'ok', token_ip_address: ['300.1.1.1'] }, "token_ip_address '300.1.1.1' is not an IP address"],
    [{ project_name: 'ok', global_webhook: 'ftp://x.example/' }, 'global_webhook must be an http or https URL'],
    [{ project_name: 'ok', webhook_format: 7 }, 'webhook_format must be'],
    [{ project_name: 12345678901234567890123 }, 'project_name is longer than 20 characters'],
    [{ project_name: 'ok', billing_plan: 'two' }, 'billing_plan: Expected'],
    [{ project_name: 'ok', token_ip_address: [{}] }, 'token_ip_address[0]: Expected string'],
    [{ project_name: { name: 'x' } }, 'project_name: Expected string'],
  ])('refuses %j with 410 naming the field', async (fields, detail) => {
    const answer = await t.post('pm/create-project', { token: t.masterToken, ...fields });
    expect(answer.status).toBe(410);
    expect(answer.message).toBe('Invalid Request');
    expect(answer.detail).toContain(detail);
    const list = await t.post('pm/get-projects', { token: t.masterToken, project_id: 0 });
    expect((list.data as unknown[]).length).toBe(1);
  });

  it('reports every problem of a request at once', async () => {
    const answer = await t.post('pm/create-project', { token: t.masterToken, project_name: 'x'.repeat(30), country: 'ZZ', notes: 'n'.repeat(300) });
    expect(answer.detail).toMatch(/project_name.*notes.*country/);
  });

  it('answers 403 and writes nothing when the wallet cannot pay the plan fee', async () => {
    const answer = await t.post('pm/create-project', { token: t.masterToken, project_name: 'Too big', billing_plan: 6, generate_api_token: true });
    expect(answer).toEqual({ status: 403, message: 'Insufficient Balance', detail: 'costs 350 credits' });
    const list = await t.post('pm/get-projects', { token: t.masterToken });
    expect((list.data as { project_name: string }[]).map((p) => p.project_name)).toEqual(['Demo']);
    expect((await t.post('pm/fetch-balance', { token: t.masterToken })).balance).toBe(100);
  });

  it('accepts numeric fields as numeric strings', async () => {
    const answer = await t.post('pm/create-project', { token: t.masterToken, project_name: 'Strings', service: '1', billing_plan: '3', generate_api_token: 'true', date_format: '1' });
    expect(answer).toMatchObject({ status: 100, billing_plan: 3, date_format: 'YYYY-MM-DD' });
    expect((answer.api_tokens as unknown[]).length).toBe(1);
  });
});

describe('pm/get-projects', () => {
  it('lists all projects with 0 and one project by id, never showing token secrets', async () => {
    const created = await t.post('pm/create-project', { token: t.masterToken, project_name: 'Second', generate_api_token: true });
    const all = await t.post('pm/get-projects', { token: t.masterToken, project_id: 0 });
    expect((all.data as unknown[]).length).toBe(2);
    const one = await t.post('pm/get-projects', { token: t.masterToken, project_id: Number(created.project_id) });
    const [project] = one.data as Record<string, unknown>[];
    expect(project).toMatchObject({ project_id: created.project_id, project_name: 'Second', license_key: created.license_key });
    const secret = (created.api_tokens as { token: string }[])[0]!.token;
    expect(JSON.stringify(one)).not.toContain(secret);
    expect((project!.api_tokens as { token: string }[])[0]!.token).toBe(`…${secret.slice(-4)}`);
  });

  it('shows one project in the vendor\'s flat shape (fields beside status) and in data[], with amount_debited and the keywords', async () => {
    const created = await t.post('pm/create-project', { token: t.masterToken, project_name: 'Flat', billing_plan: 2, time_zone: 'Asia/Kolkata' });
    const one = await t.post('pm/get-projects', { token: t.masterToken, project_id: Number(created.project_id) });
    const expected = { project_id: created.project_id, project_name: 'Flat', billing_plan: 2, license_key: created.license_key, amount_debited: '5', unbranded_keyword: '', branded_keyword: '', next_billing_date: created.next_billing_date };
    expect(one).toMatchObject({ status: 100, message: 'Success', project_status: 'Active', ...expected });
    expect(one.data).toEqual([expect.objectContaining(expected)]);
    const all = await t.post('pm/get-projects', { token: t.masterToken, project_id: 0 });
    expect(all.project_id).toBeUndefined();
    expect(all.data).toEqual(expect.arrayContaining([expect.objectContaining({ project_name: 'Demo', amount_debited: '0', unbranded_keyword: '', branded_keyword: '' })]));
  });

  it('answers 410 for a project id that does not exist', async () => {
    const answer = await t.post('pm/get-projects', { token: t.masterToken, project_id: 999 });
    expect(answer).toMatchObject({ status: 410, detail: 'project_id 999 does not exist' });
  });
});

describe('API tokens through the PM API', () => {
  it('creates, disables, enables and deletes a token, with immediate effect', async () => {
    const created = await t.post('pm/create-api-token', { token: t.masterToken, project_id: t.projectId });
    // A number, as in the vendor's sample.
    expect(created).toMatchObject({ status: 100, message: 'Success', project_id: t.projectId });
    const [{ token }] = created.api_token as { token: string }[] as [{ token: string }];
    expect((await t.post('check-balance', { token })).status).toBe(100);

    expect(await t.post('pm/manage-api-token', { token: t.masterToken, project_id: t.projectId, api_token: token, action: 1 })).toMatchObject({ status: 100, token_status: 'disabled' });
    expect(await t.post('check-balance', { token })).toMatchObject({ status: 401, message: 'Authentication Failed' });
    await t.post('pm/manage-api-token', { token: t.masterToken, project_id: t.projectId, api_token: token, action: '2' });
    expect((await t.post('check-balance', { token })).status).toBe(100);
    await t.post('pm/manage-api-token', { token: t.masterToken, project_id: t.projectId, api_token: token, action: 3 });
    expect((await t.post('check-balance', { token })).status).toBe(401);
    const again = await t.post('pm/manage-api-token', { token: t.masterToken, project_id: t.projectId, api_token: token, action: 2 });
    expect(again).toMatchObject({ status: 410 });
  });

  it('refuses unknown actions and tokens of other projects', async () => {
    expect(await t.post('pm/manage-api-token', { token: t.masterToken, project_id: t.projectId, api_token: t.apiToken, action: 4 })).toMatchObject({ status: 410, detail: expect.stringContaining('action') });
    const other = await t.post('pm/create-project', { token: t.masterToken, project_name: 'Other' });
    const answer = await t.post('pm/manage-api-token', { token: t.masterToken, project_id: Number(other.project_id), api_token: t.apiToken, action: 1 });
    expect(answer).toMatchObject({ status: 410, detail: expect.stringContaining('not a token of project') });
    expect((await t.post('check-balance', { token: t.apiToken })).status).toBe(100);
  });

  it('binds tokens to their IP allow-list', async () => {
    const created = await t.post('pm/create-api-token', { token: t.masterToken, project_id: t.projectId, ip_whitelist: ['10.1.2.3', '192.168.5.0/24'] });
    const [single, range] = created.api_token as { ip: string; token: string }[];
    expect(single!.ip).toBe('10.1.2.3');
    expect(await t.post('check-balance', { token: single!.token }, { remoteAddress: '10.1.2.3' })).toMatchObject({ status: 100 });
    expect(await t.post('check-balance', { token: single!.token }, { remoteAddress: '10.1.2.4' })).toMatchObject({ status: 401, detail: 'token is not allowed from 10.1.2.4' });
    expect(await t.post('check-balance', { token: range!.token }, { remoteAddress: '192.168.5.77' })).toMatchObject({ status: 100 });
    expect(await t.post('check-balance', { token: range!.token }, { remoteAddress: '::ffff:192.168.5.9' })).toMatchObject({ status: 100 });
    expect(await t.post('check-balance', { token: range!.token }, { remoteAddress: '192.168.6.1' })).toMatchObject({ status: 401 });
    expect(await t.post('pm/create-api-token', { token: t.masterToken, project_id: t.projectId, ip_whitelist: ['10.0.0.0/33'] })).toMatchObject({ status: 410 });
  });
});

describe('pm/change-billing', () => {
  it('debits the new plan fee and starts a new period, its end in ISO 8601 with the zone offset', async () => {
    const answer = await t.post('pm/change-billing', { token: t.masterToken, project_id: t.projectId, service: 1, plan_id: 2 });
    const end = new Date(clock.now() + 31 * 24 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+00:00');
    expect(answer).toEqual({ status: 100, message: 'Success', project_id: String(t.projectId), old_billing_plan: '1', new_billing_plan: 2, amount_debited: '5', next_billing_date: end });
    expect((await t.post('pm/fetch-balance', { token: t.masterToken })).balance).toBe(95);
  });

  it('refuses with 403 when the wallet cannot pay, leaving plan and balance unchanged', async () => {
    const answer = await t.post('pm/change-billing', { token: t.masterToken, project_id: t.projectId, service: 1, plan_id: 6 });
    expect(answer).toMatchObject({ status: 403, message: 'Insufficient Balance' });
    const [project] = (await t.post('pm/get-projects', { token: t.masterToken, project_id: t.projectId })).data as { billing_plan: number }[];
    expect(project!.billing_plan).toBe(1);
    expect((await t.post('pm/fetch-balance', { token: t.masterToken })).balance).toBe(100);
  });

  it('refuses a plan of another service', async () => {
    expect(await t.post('pm/change-billing', { token: t.masterToken, project_id: t.projectId, service: 2, plan_id: 4 })).toMatchObject({ status: 410 });
  });

  it('expires a project whose renewal the wallet cannot pay, and change-billing revives it', async () => {
    await t.post('pm/change-billing', { token: t.masterToken, project_id: t.projectId, service: 1, plan_id: 5 });
    expect((await t.post('pm/fetch-balance', { token: t.masterToken })).balance).toBe(65);
    clock.advance(32 * 24 * 3600_000);
    expect(await t.gateway.services.projects.renewDue()).toEqual({ renewed: 1, expired: 0 });
    expect((await t.post('pm/fetch-balance', { token: t.masterToken })).balance).toBe(30);
    clock.advance(31 * 24 * 3600_000);
    expect(await t.gateway.services.projects.renewDue()).toEqual({ renewed: 0, expired: 1 });
    expect(await t.post('check-balance', { token: t.apiToken })).toMatchObject({ status: 408, message: 'Project is not Active' });
    await t.post('pm/change-billing', { token: t.masterToken, project_id: t.projectId, service: 1, plan_id: 2 });
    expect((await t.post('check-balance', { token: t.apiToken })).status).toBe(100);
  });
});

describe('pm/set-webhook and pm/delete-project', () => {
  it('sets, keeps and clears webhooks', async () => {
    const set = await t.post('pm/set-webhook', { token: t.masterToken, project_id: t.projectId, global_webhook: 'http://127.0.0.1:9/hook', webhook_format: 2 });
    expect(set).toMatchObject({ status: 100, global_webhook: 'http://127.0.0.1:9/hook', event_webhook: '', webhook_format: 2 });
    const cleared = await t.post('pm/set-webhook', { token: t.masterToken, project_id: t.projectId, global_webhook: '', event_webhook: 'https://e.example/x' });
    expect(cleared).toMatchObject({ global_webhook: '', event_webhook: 'https://e.example/x', webhook_format: 2 });
  });

  it('marks a project deleted: its token answers 408 and it can no longer change', async () => {
    expect(await t.post('pm/delete-project', { token: t.masterToken, project_id: t.projectId })).toMatchObject({ status: 100, project_status: 'Delete' });
    expect(await t.post('check-balance', { token: t.apiToken })).toMatchObject({ status: 408 });
    expect(await t.post('pm/create-api-token', { token: t.masterToken, project_id: t.projectId })).toMatchObject({ status: 408 });
  });
});

describe('master and project tokens stay apart', () => {
  it('answers 401 to a master token on a project endpoint and to a project token on pm/*', async () => {
    expect(await t.post('check-balance', { token: t.masterToken })).toMatchObject({ status: 401 });
    expect(await t.post('pm/get-projects', { token: t.apiToken })).toMatchObject({ status: 401 });
    expect(await t.post('pm/fetch-balance', {})).toMatchObject({ status: 401 });
    expect(await t.post('check-balance', { token: 42 })).toMatchObject({ status: 401 });
  });

  it('check-balance shows the wallet as a number', async () => {
    expect(await t.post('check-balance', { token: t.apiToken })).toEqual({ status: 100, message: 'Success', balance: 100 });
  });
});
