// /openapi.json against the routes: every registered route is documented (and nothing else), and every
// status the document gives an endpoint is one a request can really get from it — probed here, or, for
// statuses that need a phone or Meta, in the suite named below (checked to assert it).
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNDOCUMENTED_PREFIXES, registeredRoutes } from '../src/http/index.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

type Document = { paths: Record<string, Record<string, any>>; webhooks: Record<string, unknown>; components: { schemas: Record<string, any> } };

let t: TestGateway;
let document: Document;
/** Endpoint → statuses seen. */
const seen = new Map<string, Set<number>>();
let addressCounter = 1;

/** Posts from a fresh address (the auth throttle counts per address) and records the status seen. */
async function probe(endpoint: string, body: unknown, options: { remoteAddress?: string; raw?: string } = {}): Promise<number> {
  const response = await t.inject({
    method: 'POST',
    url: `/api/v2/${endpoint}`,
    headers: { 'content-type': 'application/json' },
    payload: options.raw ?? JSON.stringify(body),
    remoteAddress: options.remoteAddress ?? `10.9.${Math.floor(addressCounter / 250)}.${(addressCounter++ % 250) + 1}`,
  });
  const answer = response.json();
  const status = Array.isArray(answer) ? 100 : Number(answer.status);
  if (!seen.has(endpoint)) seen.set(endpoint, new Set());
  seen.get(endpoint)!.add(status);
  return status;
}

const pickyEndpoints = () =>
  Object.entries(document.paths)
    .filter(([path]) => path.startsWith('/api/v2/'))
    .map(([path, item]) => ({ name: path.slice('/api/v2/'.length), codes: item.post['x-picky-status-codes'] as number[], isMaster: String(item.post.description).includes('master token') }));

beforeAll(async () => {
  t = await startTestGateway({ env: { SWITCHBOARD_TOKEN_CACHE_TTL_MS: '0', SWITCHBOARD_AUTH_FAILURE_LIMIT: '3' } });
  document = (await t.inject({ method: 'GET', url: '/openapi.json' })).json();
});
afterAll(() => t.close());

describe('/openapi.json', () => {
  it('is OpenAPI 3.1 with webhooks, and documents the /app/api/v2/ alias and the device protocol', () => {
    expect((document as any).openapi).toBe('3.1.0');
    expect(Object.keys(document.webhooks).sort()).toEqual(['event', 'inbound']);
    const intro = (document as any).info.description as string;
    expect(intro).toContain('/app/api/v2/');
    expect(intro).toContain('/bridge/v1');
    expect(intro).toContain('data=');
  });

  it('is valid against the OpenAPI 3.1 schema, every $ref resolving', async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    const refs = [...JSON.stringify(document).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((match) => match[1]!);
    expect(refs.filter((name) => !(name in document.components.schemas))).toEqual([]);
  });

  it('documents every registered route, and only those', () => {
    const toPath = (url: string) => url.replace(/^\/app\/api\/v2\//, '/api/v2/').replace(/:(\w+)/g, '{$1}');
    const isLeftOut = (url: string) => Object.keys(UNDOCUMENTED_PREFIXES).some((prefix) => url === prefix || url.startsWith(`${prefix}/`));
    const routes = new Set(registeredRoutes(t.gateway.http).filter(({ url }) => !isLeftOut(url)).map(({ method, url }) => `${method} ${toPath(url)}`));
    const documented = new Set(Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`)));
    expect([...routes].filter((route) => !documented.has(route))).toEqual([]);
    expect([...documented].filter((route) => !routes.has(route))).toEqual([]);
    // Both prefixes are registered for each Picky endpoint.
    const urls = registeredRoutes(t.gateway.http).map((route) => route.url);
    for (const { name } of pickyEndpoints()) expect(urls).toEqual(expect.arrayContaining([`/api/v2/${name}`, `/app/api/v2/${name}`]));
  });

  it('gives each Picky endpoint a JSON and a data= form body, a summary, and a schema for each status', () => {
    for (const [path, item] of Object.entries(document.paths).filter(([p]) => p.startsWith('/api/v2/'))) {
      const operation = item.post;
      expect(operation.summary, path).toBeTruthy();
      expect(Object.keys(operation.requestBody.content), path).toEqual(['application/json', 'application/x-www-form-urlencoded', 'multipart/form-data']);
      const refs = operation.responses['200'].content['application/json'].schema.oneOf.map((each: { $ref: string }) => each.$ref.split('/').pop());
      const schemaName = refs[0];
      expect(document.components.schemas[schemaName], path).toBeDefined();
      const codes = operation['x-picky-status-codes'].filter((code: number) => code !== 100 && code !== 429 && code !== 500);
      expect(refs.slice(1), path).toEqual(codes.map((code: number) => `PickyStatus${code}`));
    }
  });

  it('answers the documented request example of push, and the alias path too', async () => {
    const example = document.paths['/api/v2/push']!.post.requestBody.content['application/json'].example;
    expect(await probe('push', { ...example, token: t.apiToken })).toBe(100);
    const alias = await t.inject({ method: 'POST', url: '/app/api/v2/push', payload: { ...example, token: t.apiToken } });
    expect(alias.json().status).toBe(100);
  });
});

/**
 * Statuses that need a phone, WhatsApp Web or Meta: the suite that reaches each, and the assertion in it
 * (checked to be there, so that removing it fails here).
 */
const ELSEWHERE: Record<string, { file: string; codes: Record<number, string> }> = {
  push: { file: 'meta-cloud-api.test.ts', codes: { 804: "data: [{ number: CUSTOMER }] })).status).toBe(804)", 850: "toMatchObject({ status: 850, message: 'Outside The 24 Hour Window" } },
  'device-status': { file: 'device-api.test.ts', codes: { 100: "report = await t.client.deviceStatus({});" } },
  'device-action': { file: 'device-api.test.ts', codes: { 100: "expect(await action('restart')).toMatchObject({ status: 100, devices_reached: 1 })" } },
  'conference-request': {
    file: 'conference-api.test.ts',
    codes: { 100: "expect(answer).toEqual({ status: 100, push_id:", 403: "toMatchObject({ status: 403, message: 'Insufficient Balance' })", 502: "toMatchObject({ status: 502, message: 'This Feature Is Not Available In This Android Version' })" },
  },
  'conference-report': { file: 'conference-api.test.ts', codes: { 100: "expect.objectContaining({ project_id: String(g.t.projectId), push_id: answer.push_id, number: '15550001111', duration: '12'" } },
  'template-request': { file: 'meta-cloud-api.test.ts', codes: { 100: "expect(created).toMatchObject({ status: 100, message: 'Success', template_status: 2 })" } },
  'template-status': { file: 'meta-cloud-api.test.ts', codes: { 100: "const status = await g.t.post('template-status'", 804: "g.t.post('template-status', { token: g.t.apiToken, template_id: 'NOPE' })).status).toBe(804)" } },
  'create-whatsapp-group': { file: 'groups-whatsapp-web.test.ts', codes: { 100: "expect(created.status).toBe(100);", 835: "toMatchObject({ status: 835, message: 'Cannot Create Group'" } },
  'add-group-admin': { file: 'groups-whatsapp-web.test.ts', codes: { 100: "expect(await s.post('add-group-admin', { group_id, number: [ALICE, CAROL] })).toEqual({ status: 100", 837: "toMatchObject({ status: 837, message: 'Cannot Create Admin'", 841: "toMatchObject({ status: 841, message: 'Numbers Not In The Group'" } },
  'add-group-members': { file: 'groups-whatsapp-web.test.ts', codes: { 100: "expect(await s.post('add-group-members', { group_id, number: [BOB, CAROL] })).toEqual({ status: 100", 838: "expect(await s.post('add-group-members', { group_id, number: CAROL })).toMatchObject({ status: 838" } },
  'group-details': { file: 'groups-whatsapp-web.test.ts', codes: { 100: "expect(details).toMatchObject({ status: 100, group_id: created.group_id", 838: "expect(await s.post('group-details', { group_id })).toMatchObject({ status: 838" } },
  'update-group-info': { file: 'groups-cloud-api.test.ts', codes: { 100: "group_subject: 'Helpers', group_description: 'Ask here' })).toEqual({ status: 100", 838: "['update-group-info', { group_id: GROUP, group_icon: 'https://example.com/icon.png' }, 838]" } },
  'remove-group-members': { file: 'groups-whatsapp-web.test.ts', codes: { 100: "expect(await s.post('remove-group-members', { group_id, type: '1', number: [ALICE, BOB] })).toEqual({ status: 100", 838: "expect(await s.post('remove-group-members', { group_id, number: BOB })).toMatchObject({ status: 838", 841: "toMatchObject({ status: 841, detail: `${BOB} is not an admin of the group` })" } },
  'generate-invite-link': { file: 'groups-cloud-api.test.ts', codes: { 100: "expect(await post('generate-invite-link', { group_id: GROUP, application: channelId })).toEqual({ status: 100", 838: "expect(await post('generate-invite-link', { group_id: GROUP })).toMatchObject({ status: 838" } },
  'delete-group-action': { file: 'groups-cloud-api.test.ts', codes: { 100: "expect(reset).toMatchObject({ status: 100", 838: "['delete-group-action', { group_id: GROUP, action: 1 }, 838]" } },
  'update-profile': { file: 'groups-whatsapp-web.test.ts', codes: { 100: "expect(answer).toEqual({ status: 100, message: 'Success' });", 801: "expect(await s.post('update-profile', { about: 'x' })).toMatchObject({ status: 801", 838: "toMatchObject({ status: 838, detail: expect.stringContaining('industry cannot be set') })" } },
  'two-step-verification': { file: 'groups-cloud-api.test.ts', codes: { 100: "action: 0, pin: '012345' })).toEqual({ status: 100", 801: "expect(await t.post('two-step-verification', { token: t.apiToken, action: 0, pin: '123456' })).toMatchObject({ status: 801", 838: "toMatchObject({ status: 838, detail: expect.stringContaining('Meta has no endpoint for it') })" } },
  'whatsapp-pairing-code': { file: 'whatsapp-web-session.test.ts', codes: { 100: "s.post('whatsapp-pairing-code', { number: '+1 555 765 4321' })).toMatchObject({ status: 100" } },
};

describe('every documented status is reachable', () => {
  const project = () => ({ token: t.apiToken });
  const master = () => ({ token: t.masterToken });
  let otherProjectId = 0;
  let otherToken = '';

  it('through requests that answer each endpoint-specific status', async () => {
    const expectStatus = async (endpoint: string, body: Record<string, unknown>, status: number) => expect.soft(await probe(endpoint, body), `${endpoint} ${JSON.stringify(body)}`).toBe(status);
    const push = (fields: Record<string, unknown>) => ({ ...project(), application: 1, globalmessage: 'hi', data: [{ number: '15550001111' }], ...fields });
    await expectStatus('push', push({}), 100);
    await expectStatus('push', push({ data: [] }), 402);
    await expectStatus('push', push({ application: 5 }), 404);
    await expectStatus('push', push({ data: [{ number: 'abc' }] }), 406);
    await expectStatus('push', push({ globalmessage: '' }), 407);
    const pushed = await t.post('push', push({}));
    await expectStatus('delivery-report', { ...project(), push_id: Number(pushed.push_id) }, 100);
    await expectStatus('delivery-report', { ...project(), push_id: 999_999 }, 503);
    await expectStatus('device-status', project(), 504);
    await expectStatus('device-status', { ...project(), application: 5 }, 404);
    await expectStatus('device-action', { ...project(), command: 'restart' }, 404);
    await expectStatus('conference-request', { ...project(), application: 4, data: [{ number: '15550001111' }] }, 505);
    await expectStatus('conference-request', { ...project(), application: 4, data: ['1', '2', '3', '4', '5', '6'].map((n) => ({ number: `1555000111${n}` })) }, 506);
    await expectStatus('conference-request', { ...project(), application: 4, data: [{ number: 'abc' }, { number: '15550001112' }] }, 406);
    await expectStatus('conference-request', { ...project(), application: 4, data: [{ number: '15550001111' }, { number: '15550001112' }] }, 404);
    await expectStatus('conference-report', { ...project(), push_id: 999_999 }, 503);
    await expectStatus('template-request', { ...project(), application: 8, name: 'x', message_type: 1, messages: [] }, 801);
    await expectStatus('template-status', project(), 817);
    await expectStatus('whatsapp-qr', { ...project(), application: 5 }, 404);
    await expectStatus('whatsapp-pairing-code', { ...project(), application: 5, number: '15550001111' }, 404);
    await expectStatus('check-balance', project(), 100);

    await expectStatus('pm/fetch-balance', master(), 100);
    await expectStatus('pm/get-projects', master(), 100);
    await expectStatus('pm/create-project', { ...master(), project_name: 'Probe 0', billing_plan: 1 }, 100);
    const created = await t.post('pm/create-project', { ...master(), project_name: 'Probe', billing_plan: 1, generate_api_token: true });
    expect(created.status).toBe(100);
    otherProjectId = Number(created.project_id);
    otherToken = created.api_tokens[0].token;
    const official = await t.post('pm/create-project', { ...master(), project_name: 'Probe 2', service: 2, billing_plan: 7, generate_api_token: true });
    expect(official.status).toBe(100);
    const officialToken = official.api_tokens[0].token;
    await expectStatus('push', { ...push({}), token: officialToken }, 405);
    await expectStatus('conference-request', { token: officialToken, application: 4, data: [{ number: '15550001111' }, { number: '15550001112' }] }, 405);
    await expectStatus('pm/create-channel', { ...master(), project_id: Number(official.project_id), application: 10 }, 405);
    const web = await t.post('pm/create-channel', { ...master(), project_id: t.projectId, application: 10 });
    expect(web.status).toBe(100);
    await expectStatus('whatsapp-qr', { ...project(), application: Number(web.channel_id) }, 100);
    await expectStatus('whatsapp-pairing-code', { ...project(), application: Number(web.channel_id), number: 'abc' }, 406);
    await expectStatus('push', push({ application: 8 }), 404);
    await expectStatus('conference-request', { token: otherToken, application: 4, data: [{ number: '15550001111' }, { number: '15550001112' }] }, 404);
    await expectStatus('pm/create-channel', { ...master(), project_id: otherProjectId, application: 10 }, 100);
    await expectStatus('pm/list-channels', { ...master(), project_id: t.projectId }, 100);
    await expectStatus('pm/update-channel', { ...master(), project_id: t.projectId, channel_id: Number(web.channel_id), name: 'Renamed' }, 100);
    await expectStatus('pm/update-channel', { ...master(), project_id: t.projectId, channel_id: 999_999 }, 404);
    await expectStatus('pm/delete-channel', { ...master(), project_id: t.projectId, channel_id: 999_999 }, 404);
    await expectStatus('pm/delete-channel', { ...master(), project_id: t.projectId, channel_id: Number(web.channel_id) }, 100);
    const issued = await t.post('pm/create-api-token', { ...master(), project_id: otherProjectId });
    expect(issued.status).toBe(100);
    seen.get('pm/create-api-token')?.add(100) ?? seen.set('pm/create-api-token', new Set([100]));
    await expectStatus('pm/manage-api-token', { ...master(), project_id: otherProjectId, api_token: issued.api_token[0].token, action: 1 }, 100);
    await expectStatus('pm/set-webhook', { ...master(), project_id: otherProjectId, global_webhook: 'http://127.0.0.1:9/hook' }, 100);
    await expectStatus('pm/test-webhook', { ...master(), project_id: otherProjectId }, 100);
    await expectStatus('pm/webhook-log', { ...master(), project_id: otherProjectId }, 100);
    await expectStatus('pm/rotate-webhook-secret', { ...master(), project_id: otherProjectId }, 100);
    await expectStatus('pm/change-billing', { ...master(), project_id: otherProjectId, service: 1, plan_id: 1 }, 100);

    // A delivery to replay: the inbound webhook of a received message.
    const delivery = await t.gateway.storage.stores.webhooks.insert({ projectId: otherProjectId, kind: 'inbound', eventId: 'evt_probe', url: 'http://127.0.0.1:9/hook', format: 'json', payload: '{}', inboundId: null, retrySchedule: [60_000] }, Date.now());
    await expectStatus('pm/webhook-replay', { ...master(), project_id: otherProjectId, delivery_id: delivery! }, 100);

    // Groups and settings: input refusals, a session that is not connected (404), a plan without WhatsApp Web (405).
    const group = { ...project(), application: 10, group_id: '120363000000000001@g.us' };
    await expectStatus('create-whatsapp-group', { ...project(), number: '15550001111' }, 833);
    await expectStatus('create-whatsapp-group', { ...project(), group_subject: 'x'.repeat(26), number: '15550001111' }, 834);
    await expectStatus('create-whatsapp-group', { ...project(), group_subject: 'Team' }, 840);
    await expectStatus('create-whatsapp-group', { ...project(), group_subject: 'Team', number: '15550001111' }, 404);
    await expectStatus('create-whatsapp-group', { token: officialToken, application: 10, group_subject: 'Team', number: '15550001111' }, 405);
    for (const endpoint of ['add-group-admin', 'add-group-members', 'group-details', 'update-group-info', 'remove-group-members', 'generate-invite-link', 'delete-group-action']) {
      await expectStatus(endpoint, { ...project(), number: '15550001111' }, 836);
      await expectStatus(endpoint, { ...group, token: officialToken, number: '15550001111', group_subject: 'Team', action: 2 }, 405);
      await expectStatus(endpoint, { ...group, number: '15550001111', group_subject: 'Team', action: 2 }, 404);
    }
    for (const endpoint of ['add-group-admin', 'add-group-members', 'remove-group-members']) await expectStatus(endpoint, group, 840);
    await expectStatus('update-group-info', { ...group, group_subject: '' }, 833);
    await expectStatus('update-group-info', { ...group, group_subject: 'x'.repeat(26) }, 834);
    await expectStatus('remove-group-members', { ...group, number: '15550001111', type: 2 }, 839);
    await expectStatus('delete-group-action', { ...group, action: 4 }, 842);
    await expectStatus('update-profile', { ...project(), about: 'a'.repeat(140) }, 819);
    await expectStatus('update-profile', { ...project(), address: 'a'.repeat(257) }, 820);
    await expectStatus('update-profile', { ...project(), description: 'a'.repeat(257) }, 821);
    await expectStatus('update-profile', { ...project(), email: `${'a'.repeat(245)}@x.com` }, 822);
    await expectStatus('update-profile', { ...project(), application: 10, about: 'x' }, 404);
    await expectStatus('update-profile', { token: officialToken, application: 10, about: 'x' }, 405);
    await expectStatus('two-step-verification', { ...project(), action: 3 }, 842);
    await expectStatus('two-step-verification', { ...project(), application: 10, action: 0, pin: '123456' }, 404);
    await expectStatus('two-step-verification', { token: officialToken, application: 10, action: 1 }, 405);

    // The wallet cannot pay: 403 wherever something is charged.
    const balance = await t.gateway.services.wallet.balance(1);
    await t.gateway.storage.transaction((stores) => t.gateway.services.wallet.debit({ accountId: 1, amount: balance, reason: 'probe', reference: 'probe' }, stores));
    await expectStatus('push', push({}), 403);
    await expectStatus('pm/create-project', { ...master(), project_name: 'Poor', billing_plan: 2 }, 403);
    await expectStatus('pm/change-billing', { ...master(), project_id: otherProjectId, service: 1, plan_id: 4 }, 403);
    await t.gateway.services.wallet.credit({ accountId: 1, amount: balance, reason: 'probe', reference: 'probe' });

    // A deleted project: 408 where a change is asked.
    await expectStatus('pm/delete-project', { ...master(), project_id: otherProjectId }, 100);
    for (const endpoint of ['pm/create-api-token', 'pm/change-billing', 'pm/set-webhook', 'pm/rotate-webhook-secret', 'pm/create-channel', 'pm/update-channel']) {
      await probe(endpoint, { ...master(), project_id: otherProjectId, service: 1, plan_id: 1, channel_id: 1 });
    }
  });

  it('through the statuses every endpoint shares: 401, 408, 409, 410, 429 and 500', async () => {
    const endpoints = pickyEndpoints();
    for (const { name } of endpoints) {
      expect(await probe(name, { token: 'not-a-token-0123456789' }), name).toBe(401);
      expect(await probe(name, undefined, { raw: '{not json' }), name).toBe(410);
    }
    for (let attempt = 0; attempt < 3; attempt += 1) await probe('check-balance', { token: 'wrong-token-0123456789' }, { remoteAddress: '10.8.0.1' });
    for (const { name } of endpoints) expect(await probe(name, { token: t.apiToken }, { remoteAddress: '10.8.0.1' }), name).toBe(429);

    // An expired project's token.
    const expired = await t.post('pm/create-project', { ...master(), project_name: 'Expired', billing_plan: 1, generate_api_token: true });
    await t.gateway.storage.db.updateTable('projects').set({ status: 'Expired' }).where('id', '=', Number(expired.project_id)).execute();
    for (const { name } of endpoints.filter((each) => !each.isMaster)) expect(await probe(name, { token: expired.api_tokens[0].token }), name).toBe(408);

    // A disabled account.
    await t.gateway.storage.db.updateTable('accounts').set({ disabled_at: Date.now() }).execute();
    for (const { name, isMaster } of endpoints) expect(await probe(name, { token: isMaster ? t.masterToken : t.apiToken }), name).toBe(409);
    await t.gateway.storage.db.updateTable('accounts').set({ disabled_at: null }).execute();

    // The database failing under the gateway: 500, never a stack trace.
    await t.gateway.storage.db.schema.alterTable('accounts').renameTo('accounts_away').execute();
    try {
      for (const { name, isMaster } of endpoints) expect(await probe(name, { token: isMaster ? t.masterToken : t.apiToken }), name).toBe(500);
    } finally {
      await t.gateway.storage.db.schema.alterTable('accounts_away').renameTo('accounts').execute();
    }
  });

  it('so that every documented status was seen here or is asserted by the suite named', () => {
    const missing: string[] = [];
    for (const { name, codes } of pickyEndpoints()) {
      const elsewhere = ELSEWHERE[name];
      for (const code of codes) {
        if (seen.get(name)?.has(code)) continue;
        const evidence = elsewhere?.codes[code];
        if (evidence !== undefined && readFileSync(new URL(elsewhere!.file, import.meta.url), 'utf8').includes(evidence)) continue;
        missing.push(`${name} ${code}`);
      }
    }
    expect(missing).toEqual([]);
    // And nothing was seen that the document does not give.
    const undocumented = pickyEndpoints().flatMap(({ name, codes }) => [...(seen.get(name) ?? [])].filter((code) => !codes.includes(code)).map((code) => `${name} ${code}`));
    expect(undocumented).toEqual([]);
  });
});
