// The group and settings APIs on a WhatsApp Cloud API number against the fake Graph server: the Graph
// requests each endpoint makes (Groups API, business profile, two-step PIN), Graph's refusals as the
// contract's codes, and what Meta does not offer answered before any request.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeGraph, type FakeGraph } from './support/fake-graph.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

const PHONE_NUMBER_ID = '106540352242922';
const GROUP = 'Y2FwaV9ncm91cDoxNTU1MDAwMTExMToxMjM0NQ';
const ALICE = '15550000001';
const BOB = '15550000002';

let graph: FakeGraph;
let t: TestGateway;
let channelId: number;

beforeAll(async () => {
  graph = await startFakeGraph();
});
afterAll(() => graph.close());

beforeEach(async () => {
  graph.requests.length = 0;
  graph.groups.clear();
  graph.groups.set(GROUP, { subject: 'Support', description: 'Help desk', participants: [ALICE, BOB], inviteLink: 'https://chat.whatsapp.com/FIRST' });
  t = await startTestGateway({ env: { SWITCHBOARD_META_GRAPH_URL: graph.url } });
  const created = await t.post('pm/create-channel', {
    token: t.masterToken,
    project_id: t.projectId,
    application: 101,
    phone_number_id: PHONE_NUMBER_ID,
    waba_id: '102290129340398',
    access_token: 'EAAGtestaccesstoken0123456789abcdef',
    app_secret: 'a1b2c3d4e5f60718293a4b5c6d7e8f90',
    verify_token: 'verify-me-please',
  });
  expect(created.status).toBe(100);
  channelId = Number(created.channel_id);
});
afterEach(() => t.close());

const post = (endpoint: string, body: Record<string, unknown>) => t.post(endpoint, { token: t.apiToken, application: 101, ...body });
const calls = () => graph.requests.map((request) => `${request.method} ${request.path.replace(/^\/v[\d.]+/, '')}`);

describe('groups on the Cloud API', () => {
  it('reads a group, its invite link, resets it, renames it and removes members through Graph', async () => {
    expect(await post('group-details', { group_id: GROUP })).toEqual({
      status: 100,
      message: 'Success',
      group_id: GROUP,
      group_subject: 'Support',
      group_description: 'Help desk',
      group_invite_link: 'https://chat.whatsapp.com/FIRST',
      group_icon_link: '',
      group_admins: [],
      group_members: [
        { number: ALICE, created_time: '' },
        { number: BOB, created_time: '' },
      ],
      group_created_date: '',
    });
    expect(graph.requests[0]!.query).toEqual({ fields: 'subject,description,participants,total_participant_count' });
    expect(await post('generate-invite-link', { group_id: GROUP, application: channelId })).toEqual({ status: 100, message: 'Success', group_id: GROUP, group_invite_link: 'https://chat.whatsapp.com/FIRST' });
    const reset = await post('delete-group-action', { group_id: GROUP, action: 2 });
    expect(reset).toMatchObject({ status: 100, group_invite_link: expect.stringMatching(/^https:\/\/chat\.whatsapp\.com\/FAKE\d+$/) });
    expect(await post('update-group-info', { group_id: GROUP, group_subject: 'Helpers', group_description: 'Ask here' })).toEqual({ status: 100, message: 'Success', group_id: GROUP });
    expect(graph.groups.get(GROUP)).toMatchObject({ subject: 'Helpers', description: 'Ask here' });
    expect(await post('remove-group-members', { group_id: GROUP, type: 0, number: [ALICE, '15559999999'] })).toEqual({ status: 100, message: 'Success', group_id: GROUP, data: [{ number: ALICE, status: 0 }, { number: '15559999999', status: 1 }] });
    expect(graph.groups.get(GROUP)!.participants).toEqual([BOB]);
    const removal = graph.requests.find((request) => request.method === 'DELETE')!;
    expect(removal.body).toEqual({ messaging_product: 'whatsapp', participants: [{ user: ALICE }] });
    expect(graph.sent(`/${GROUP}`).filter((request) => request.method === 'POST').map((request) => request.body)).toEqual([
      { messaging_product: 'whatsapp', subject: 'Helpers' },
      { messaging_product: 'whatsapp', description: 'Ask here' },
    ]);
    expect(graph.requests.every((request) => request.headers.authorization === 'Bearer EAAGtestaccesstoken0123456789abcdef')).toBe(true);
  });

  it('answers 836 for a group Graph does not know, and 838 with Meta words for other refusals', async () => {
    expect(await post('group-details', { group_id: 'NOSUCHGROUP' })).toMatchObject({ status: 836, message: 'Empty/Invalid Group ID', detail: expect.stringContaining('Meta knows no group NOSUCHGROUP') });
    graph.failNext(`/${GROUP}/invite_link`, { httpStatus: 400, code: 131009, message: 'Parameter value is not valid', details: 'invite link reset too often' });
    expect(await post('delete-group-action', { group_id: GROUP, action: 2 })).toMatchObject({ status: 838, detail: 'resetting the invite link failed (Meta 131009: invite link reset too often)' });
    graph.failNext(`/${GROUP}/invite_link`, { httpStatus: 500, code: 1, message: 'An unknown error occurred' });
    expect(await post('generate-invite-link', { group_id: GROUP })).toMatchObject({ status: 838, detail: 'reading the invite link failed (Meta 1: An unknown error occurred)' });
  });

  it('refuses what Meta does not offer with documented codes, before any Graph request', async () => {
    const refusals: [string, Record<string, unknown>, number][] = [
      ['create-whatsapp-group', { group_subject: 'Team', number: ALICE }, 835],
      ['add-group-members', { group_id: GROUP, number: '15550000003' }, 838],
      ['update-group-info', { group_id: GROUP, group_icon: 'https://example.com/icon.png' }, 838],
      ['delete-group-action', { group_id: GROUP, action: 1 }, 838],
      ['delete-group-action', { group_id: GROUP, action: 3 }, 838],
    ];
    for (const [endpoint, body, status] of refusals) expect({ endpoint, answer: (await post(endpoint, body)).status }).toEqual({ endpoint, answer: status });
    expect(calls()).toEqual([]);
    // Admin changes read the group first (841 needs its members), then stop before changing anything.
    expect(await post('add-group-admin', { group_id: GROUP, number: ALICE })).toMatchObject({ status: 837, message: 'Cannot Create Admin' });
    expect((await post('remove-group-members', { group_id: GROUP, type: 0, number: '15550000009' })).status).toBe(841);
    expect(calls().every((call) => call === `GET /${GROUP}`)).toBe(true);
  });
});

describe('settings on the Cloud API', () => {
  it('updates the business profile (industry as vertical), with the Cloud channel as the default', async () => {
    const answer = await t.post('update-profile', { token: t.apiToken, about: 'about me', address: 'Main St 1', description: 'shop', email: 'shop@example.com', industry: '13', websites: ['https://example.com', 'https://example.org'] });
    expect(answer).toEqual({ status: 100, message: 'Success' });
    const [request] = graph.sent('/whatsapp_business_profile');
    expect(request!.path).toBe(`/v21.0/${PHONE_NUMBER_ID}/whatsapp_business_profile`);
    expect(request!.body).toEqual({ messaging_product: 'whatsapp', about: 'about me', address: 'Main St 1', description: 'shop', email: 'shop@example.com', vertical: 'PROF_SERVICES', websites: ['https://example.com', 'https://example.org'] });
    expect(await t.post('update-profile', { token: t.apiToken, about: 'x', profile_pic: 'https://example.com/me.png' })).toMatchObject({ status: 838, detail: expect.stringContaining('WhatsApp Manager') });
    expect((await t.post('update-profile', { token: t.apiToken, about: 'a'.repeat(140) })).status).toBe(819);
    expect(graph.sent('/whatsapp_business_profile')).toHaveLength(1);
  });

  it('sets the two-step verification PIN; removing it is not offered by Meta', async () => {
    expect(await t.post('two-step-verification', { token: t.apiToken, action: 0, pin: '012345' })).toEqual({ status: 100, message: 'Success' });
    expect(graph.requests.map((request) => [request.method, request.path, request.body])).toEqual([['POST', `/v21.0/${PHONE_NUMBER_ID}`, { pin: '012345' }]]);
    expect(await t.post('two-step-verification', { token: t.apiToken, action: '1' })).toMatchObject({ status: 838, detail: expect.stringContaining('Meta has no endpoint for it') });
    graph.failNext(`/${PHONE_NUMBER_ID}`, { httpStatus: 400, code: 100, message: 'Invalid parameter', details: 'pin rejected' });
    expect(await t.post('two-step-verification', { token: t.apiToken, action: 0, pin: '111111' })).toMatchObject({ status: 838, detail: 'setting the two-step verification PIN failed (Meta 100: pin rejected)' });
  });

  it('answers 801 for a project with no WhatsApp Official or WhatsApp Web channel, and 404 for an application that is neither', async () => {
    await t.post('pm/delete-channel', { token: t.masterToken, project_id: t.projectId, channel_id: channelId });
    expect(await t.post('update-profile', { token: t.apiToken, about: 'x' })).toMatchObject({ status: 801, message: 'Official WhatsApp Account Not Active' });
    expect(await t.post('two-step-verification', { token: t.apiToken, action: 0, pin: '123456' })).toMatchObject({ status: 801 });
    expect(await t.post('group-details', { token: t.apiToken, application: 3, group_id: GROUP })).toMatchObject({ status: 404 });
    expect(calls()).toEqual([]);
  });
});
