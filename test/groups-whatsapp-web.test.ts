// The group and settings APIs on a WhatsApp Web session (application 10) against the fake WhatsApp:
// every endpoint and code, icons from URLs under the media rules, a session that is not connected (404,
// nothing done or queued), the per-channel limits (429), and group events reaching the event webhook.
import { afterEach, describe, expect, it } from 'vitest';
import { waitUntil } from './support/agents.js';
import { startWebSuite, type WebSuite } from './support/whatsapp-web.js';

const OWN = '15557654321';
const ALICE = '15550000001';
const BOB = '15550000002';
const CAROL = '15550000003';
const jid = (number: string) => `${number}@s.whatsapp.net`;
// The smallest PNG: 8-byte signature and an IHDR chunk are enough for a content type check.
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

let s: WebSuite;
afterEach(() => s.close());

/** A paired session whose webhook receiver also serves images under /img/. */
async function pairedSuite(env: Record<string, string> = {}): Promise<WebSuite> {
  s = await startWebSuite({ env });
  s.hooks.respond((call, _index, response) => {
    if (call.path === '/img/icon.png') return void response.writeHead(200, { 'content-type': 'image/png' }).end(PNG);
    if (call.path === '/img/big.png') return void response.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.alloc(5 * 1024 * 1024 + 1));
    if (call.path === '/img/page.html') return void response.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
    response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await s.pair(OWN);
  return s;
}

async function createGroup(numbers: string[] = [ALICE, BOB], extra: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const created = await s.post('create-whatsapp-group', { application: 10, group_subject: 'Team', number: numbers, ...extra });
  expect(created.status).toBe(100);
  return created;
}

describe('create-whatsapp-group and group-details', () => {
  it('creates the group through the session, sets the icon from a URL, and answers the contract fields', async () => {
    await pairedSuite();
    s.whatsapp.privateNumbers.add(CAROL);
    const created = await s.post('create-whatsapp-group', { group_subject: 'Team 🚀', number: `${ALICE}, ${BOB}`, data: [{ number: CAROL }], group_icon: `${s.hooks.url}/img/icon.png` });
    expect(created).toMatchObject({
      status: 100,
      message: 'Success',
      group_id: expect.stringMatching(/@g\.us$/),
      group_subject: 'Team 🚀',
      group_invite_link: expect.stringMatching(/^https:\/\/chat\.whatsapp\.com\/[0-9a-f]{16}$/),
      group_admins: [{ number: OWN, created_time: '' }],
      group_members: [
        { number: ALICE, created_time: '' },
        { number: BOB, created_time: '' },
      ],
      // 1768471200 s in the demo project's zone and format (DD-MM-YYYY hh:mm AM).
      group_created_date: expect.stringMatching(/^15-01-2026 \d\d:00 (AM|PM)$/),
    });
    expect(created.detail).toBe(`not added (privacy settings, or no WhatsApp account): ${CAROL}`);
    const group = s.whatsapp.groups.get(created.group_id)!;
    expect(group.picture).toEqual(PNG);
    expect([...group.participants.keys()]).toEqual([jid(OWN), jid(ALICE), jid(BOB)]);

    const details = await s.post('group-details', { group_id: created.group_id });
    expect(details).toMatchObject({ status: 100, group_id: created.group_id, group_subject: 'Team 🚀', group_invite_link: created.group_invite_link, group_members: created.group_members, group_admins: created.group_admins });
    // The id without its @g.us suffix names the same group.
    expect(await s.post('group-details', { group_id: created.group_id.replace('@g.us', '') })).toMatchObject({ status: 100, group_id: created.group_id });
  });

  it('refuses bad input with the contract codes before asking WhatsApp', async () => {
    await pairedSuite();
    const refusals: [string, Record<string, unknown>, number][] = [
      ['create-whatsapp-group', { number: ALICE }, 833],
      ['create-whatsapp-group', { group_subject: '   ', number: ALICE }, 833],
      ['create-whatsapp-group', { group_subject: 'x'.repeat(26), number: ALICE }, 834],
      ['create-whatsapp-group', { group_subject: 'Team' }, 840],
      ['create-whatsapp-group', { group_subject: 'Team', number: ['0123456', ALICE] }, 840],
      ['create-whatsapp-group', { group_subject: 'Team', number: ALICE, group_icon: 'ftp://x/icon.png' }, 410],
      ['group-details', {}, 836],
      ['group-details', { group_id: '12345@s.whatsapp.net' }, 836],
      ['add-group-members', { group_id: '120363000000000001@g.us', number: 'abc' }, 840],
      ['remove-group-members', { group_id: '120363000000000001@g.us', number: ALICE, type: 2 }, 839],
      ['remove-group-members', { group_id: '120363000000000001@g.us', number: ALICE, type: 'admins' }, 839],
      ['delete-group-action', { group_id: '120363000000000001@g.us', action: 4 }, 842],
      ['delete-group-action', { group_id: '120363000000000001@g.us' }, 842],
      ['update-group-info', { group_id: '120363000000000001@g.us' }, 410],
      ['update-group-info', { group_id: '120363000000000001@g.us', group_subject: '' }, 833],
    ];
    for (const [endpoint, body, status] of refusals) expect({ endpoint, body, answer: (await s.post(endpoint, body)).status }).toEqual({ endpoint, body, answer: status });
    expect(s.whatsapp.groupCalls).toEqual([]);
    expect(s.whatsapp.groups.size).toBe(0);
  });

  it('fetches the icon under the media rules before creating: a refused URL creates no group', async () => {
    await pairedSuite();
    expect(await s.post('create-whatsapp-group', { application: '10', group_subject: 'Team', number: ALICE, group_icon: `${s.hooks.url}/img/page.html` })).toMatchObject({
      status: 410,
      detail: 'group_icon: a JPEG or PNG image is needed (the URL served text/html)',
    });
    expect(s.whatsapp.groups.size).toBe(0);
    await s.close();
    // Private addresses are refused unless the operator allows them (test gateways do, by default).
    s = await startWebSuite({ env: { SWITCHBOARD_ALLOW_PRIVATE_URLS: 'false' } });
    await s.pair(OWN);
    const refused = await s.post('create-whatsapp-group', { group_subject: 'Team', number: ALICE, group_icon: 'http://127.0.0.1:9/icon.png' });
    expect(refused).toMatchObject({ status: 410, detail: expect.stringMatching(/^group_icon: media URL .*private or reserved address/) });
    expect(s.whatsapp.groups.size).toBe(0);
  });

  it('answers odd types on every endpoint with a documented code, never a fault', async () => {
    await pairedSuite();
    const { group_id } = await createGroup();
    const endpoints = ['create-whatsapp-group', 'add-group-admin', 'add-group-members', 'group-details', 'update-group-info', 'remove-group-members', 'generate-invite-link', 'delete-group-action', 'update-profile', 'two-step-verification'];
    const odd: Record<string, unknown>[] = [
      { number: null, data: [null] },
      { group_id: {}, number: [[ALICE]] },
      { group_id, number: [true], type: [], action: {} },
      { group_id, group_subject: ['x'], group_icon: 5, application: 'ten' },
      { about: 5, websites: [1], industry: '1.5', email: ['a'], profile_pic: 'javascript:alert(1)' },
      { group_id: 'x'.repeat(300), pin: 123456.5, action: '0x1' },
      { application: 99_999, group_id, number: ALICE },
    ];
    for (const endpoint of endpoints) {
      for (const body of odd) {
        const response = await s.g.t.inject({ method: 'POST', url: `/api/v2/${endpoint}`, payload: { token: s.g.t.apiToken, ...body } });
        expect({ endpoint, body, http: response.statusCode }).toEqual({ endpoint, body, http: 200 });
        expect(response.json().status, `${endpoint} ${JSON.stringify(body)}`).toBeOneOf([100, 404, 410, 833, 836, 838, 839, 840, 841, 842]);
      }
    }
  });

  it('answers 835 when WhatsApp refuses the group, and 836 for a group it does not know', async () => {
    await pairedSuite();
    s.whatsapp.refuseGroupCreate = true;
    const refused = await s.post('create-whatsapp-group', { group_subject: 'Team', number: ALICE });
    expect(refused).toMatchObject({ status: 835, message: 'Cannot Create Group', detail: expect.stringContaining('429') });
    expect(await s.post('group-details', { group_id: '120363999999999999@g.us' })).toMatchObject({ status: 836, message: 'Empty/Invalid Group ID', detail: 'WhatsApp knows no group 120363999999999999@g.us on WhatsApp Web channel ' + (await s.status()).channel_id });
  });
});

describe('members and admins', () => {
  it('adds members, one row per number, and 838 when WhatsApp added none', async () => {
    await pairedSuite();
    const { group_id } = await createGroup([ALICE]);
    s.whatsapp.privateNumbers.add(CAROL);
    expect(await s.post('add-group-members', { group_id, number: [BOB, CAROL] })).toEqual({ status: 100, message: 'Success', group_id, data: [{ number: BOB, status: 0 }, { number: CAROL, status: 1 }] });
    expect(s.whatsapp.groups.get(group_id)!.participants.has(jid(BOB))).toBe(true);
    expect(await s.post('add-group-members', { group_id, number: CAROL })).toMatchObject({ status: 838, message: 'Cannot Process The Request' });
  });

  it('makes members admins (841 for a number not in the group, 837 when the linked number may not)', async () => {
    await pairedSuite();
    const { group_id } = await createGroup();
    expect(await s.post('add-group-admin', { group_id, number: [ALICE, CAROL] })).toEqual({ status: 100, message: 'Success', group_id, data: [{ number: ALICE, status: 0 }, { number: CAROL, status: 1 }] });
    expect(s.whatsapp.groups.get(group_id)!.participants.get(jid(ALICE))).toBe(true);
    expect(await s.post('add-group-admin', { group_id, number: CAROL })).toMatchObject({ status: 841, message: 'Numbers Not In The Group', detail: `${CAROL} is not a member of the group` });
    s.whatsapp.groups.get(group_id)!.participants.set(jid(OWN), false);
    expect(await s.post('add-group-admin', { group_id, number: BOB })).toMatchObject({ status: 837, message: 'Cannot Create Admin', detail: expect.stringContaining('not an admin of the group') });
  });

  it('removes members (type 0) and admin rights (type 1)', async () => {
    await pairedSuite();
    const { group_id } = await createGroup();
    await s.post('add-group-admin', { group_id, number: ALICE });
    expect(await s.post('remove-group-members', { group_id, type: '1', number: [ALICE, BOB] })).toEqual({ status: 100, message: 'Success', group_id, data: [{ number: ALICE, status: 0 }, { number: BOB, status: 1 }] });
    expect(s.whatsapp.groups.get(group_id)!.participants.get(jid(ALICE))).toBe(false);
    expect(await s.post('remove-group-members', { group_id, type: 1, number: BOB })).toMatchObject({ status: 841, detail: `${BOB} is not an admin of the group` });
    expect(await s.post('remove-group-members', { group_id, type: 0, number: [BOB, CAROL] })).toEqual({ status: 100, message: 'Success', group_id, data: [{ number: BOB, status: 0 }, { number: CAROL, status: 1 }] });
    expect(s.whatsapp.groups.get(group_id)!.participants.has(jid(BOB))).toBe(false);
    expect(await s.post('remove-group-members', { group_id, number: [CAROL, BOB] })).toMatchObject({ status: 841, detail: `${CAROL}, ${BOB} are not a member of the group` });
    // The linked number no longer an admin: WhatsApp refuses.
    await s.post('add-group-members', { group_id, number: BOB });
    s.whatsapp.groups.get(group_id)!.participants.set(jid(OWN), false);
    expect(await s.post('remove-group-members', { group_id, number: BOB })).toMatchObject({ status: 838, detail: expect.stringContaining('not an admin of the group') });
  });

  it('reads the outcome from the group itself when WhatsApp answers with LIDs', async () => {
    await pairedSuite();
    const { group_id } = await createGroup([ALICE]);
    s.whatsapp.answersWithLids = true;
    s.whatsapp.privateNumbers.add(CAROL);
    expect((await s.post('add-group-members', { group_id, number: [BOB, CAROL] })).data).toEqual([{ number: BOB, status: 0 }, { number: CAROL, status: 1 }]);
    expect((await s.post('add-group-admin', { group_id, number: BOB })).data).toEqual([{ number: BOB, status: 0 }]);
    expect((await s.post('remove-group-members', { group_id, type: 1, number: BOB })).data).toEqual([{ number: BOB, status: 0 }]);
    expect((await s.post('remove-group-members', { group_id, number: [ALICE, BOB] })).data).toEqual([{ number: ALICE, status: 0 }, { number: BOB, status: 0 }]);
    expect([...s.whatsapp.groups.get(group_id)!.participants.keys()]).toEqual([jid(OWN)]);
  });
});

describe('group info, invite link and delete actions', () => {
  it('updates subject, description and icon; refuses what is no usable image', async () => {
    await pairedSuite();
    const { group_id } = await createGroup();
    expect(await s.post('update-group-info', { group_id, group_subject: 'Renamed', group_description: 'Our team', group_icon: `${s.hooks.url}/img/icon.png` })).toEqual({ status: 100, message: 'Success', group_id });
    const group = s.whatsapp.groups.get(group_id)!;
    expect([group.subject, group.description, group.picture]).toEqual(['Renamed', 'Our team', PNG]);
    expect(await s.post('update-group-info', { group_id, group_subject: 'y'.repeat(26) })).toMatchObject({ status: 834, message: 'Group Subject Length Exceeds' });
    expect(await s.post('update-group-info', { group_id, group_icon: `${s.hooks.url}/img/page.html` })).toMatchObject({ status: 410, detail: 'group_icon: a JPEG or PNG image is needed (the URL served text/html)' });
    expect(await s.post('update-group-info', { group_id, group_icon: `${s.hooks.url}/img/big.png` })).toMatchObject({ status: 410, detail: `group_icon: larger than 5242880 bytes (5242881)` });
  });

  it('gives and revokes the invite link, deletes the icon, and leaves the group', async () => {
    await pairedSuite();
    const { group_id, group_invite_link } = await createGroup([ALICE], { group_icon: `${s.hooks.url}/img/icon.png` });
    expect(await s.post('generate-invite-link', { group_id })).toEqual({ status: 100, message: 'Success', group_id, group_invite_link });
    const revoked = await s.post('delete-group-action', { group_id, action: 2 });
    expect(revoked).toMatchObject({ status: 100, group_id, group_invite_link: expect.stringMatching(/^https:\/\/chat\.whatsapp\.com\//) });
    expect(revoked.group_invite_link).not.toBe(group_invite_link);
    expect(await s.post('delete-group-action', { group_id, action: '1' })).toEqual({ status: 100, message: 'Success', group_id });
    expect(s.whatsapp.groups.get(group_id)!.picture).toBeUndefined();
    expect(await s.post('delete-group-action', { group_id, action: 3 })).toEqual({ status: 100, message: 'Success', group_id });
    expect(s.whatsapp.groups.get(group_id)!.participants.has(jid(OWN))).toBe(false);
    expect(await s.post('group-details', { group_id })).toMatchObject({ status: 838, detail: expect.stringContaining('not allowed') });
  });
});

describe('update-profile and two-step-verification on WhatsApp Web', () => {
  it('sets about, business fields and the profile picture; 819-822 over the limits', async () => {
    await pairedSuite();
    const answer = await s.post('update-profile', { application: 10, about: 'about me', address: 'Main St 1', description: 'shop', email: 'shop@example.com', websites: ['https://example.com'], profile_pic: `${s.hooks.url}/img/icon.png` });
    expect(answer).toEqual({ status: 100, message: 'Success' });
    expect(s.whatsapp.profile).toEqual({ about: 'about me', address: 'Main St 1', description: 'shop', email: 'shop@example.com', websites: ['https://example.com'], picture: PNG });
    const limits: [Record<string, unknown>, number][] = [
      [{ about: 'a'.repeat(140) }, 819],
      [{ address: 'a'.repeat(257) }, 820],
      [{ description: 'a'.repeat(257) }, 821],
      [{ email: `${'a'.repeat(245)}@x.com` }, 822],
      [{ websites: ['https://a.example', 'https://b.example', 'https://c.example'] }, 410],
      [{ industry: 18 }, 410],
      [{}, 410],
    ];
    for (const [body, status] of limits) expect((await s.post('update-profile', { application: 10, ...body })).status).toBe(status);
    // WhatsApp Web has no business category: refused before anything changes.
    expect(await s.post('update-profile', { application: 10, about: 'changed', industry: 13 })).toMatchObject({ status: 838, detail: expect.stringContaining('industry cannot be set') });
    expect(s.whatsapp.profile.about).toBe('about me');
    s.whatsapp.isBusinessAccount = false;
    expect(await s.post('update-profile', { application: 10, address: 'elsewhere' })).toMatchObject({ status: 838, detail: expect.stringContaining('business profile') });
  });

  it('answers 838 for two-step verification, after checking action and pin', async () => {
    await pairedSuite();
    expect(await s.post('two-step-verification', { application: 10, action: 0, pin: '123456' })).toMatchObject({ status: 838, message: 'Cannot Process The Request', detail: expect.stringContaining('set it on the phone') });
    expect((await s.post('two-step-verification', { application: 10, action: 7 })).status).toBe(842);
    expect((await s.post('two-step-verification', { application: 10, action: 0, pin: '12345' })).status).toBe(410);
  });
});

describe('a session that is not connected', () => {
  it('answers 404 at once and does nothing, for an unpaired session and for a dropped one', async () => {
    s = await startWebSuite();
    // Settings without `application` go to a WhatsApp Official number, else to a WhatsApp Web channel: neither yet.
    expect(await s.post('update-profile', { about: 'x' })).toMatchObject({ status: 801, message: 'Official WhatsApp Account Not Active' });
    expect(await s.post('two-step-verification', { action: 0, pin: '123456' })).toMatchObject({ status: 801 });
    const unpaired = await s.post('create-whatsapp-group', { group_subject: 'Team', number: ALICE });
    expect(unpaired).toMatchObject({ status: 404, message: 'Unable to Communicate with Your Phone !', detail: expect.stringMatching(/^WhatsApp Web channel \d+ is not connected \(UNPAIRED\); nothing was done or queued/) });
    // A group call does not open a session for a project that never paired one.
    expect(s.whatsapp.sockets).toHaveLength(0);
    expect(await s.post('update-profile', { application: 10, about: 'x' })).toMatchObject({ status: 404 });

    const socket = await s.pair(OWN);
    const { group_id } = await createGroup();
    s.whatsapp.isUnreachable = true;
    socket.drop();
    await waitUntil(async () => (await s.status()).status === 'TIMEOUT');
    const calls = s.whatsapp.groupCalls.length;
    expect(await s.post('add-group-members', { group_id, number: CAROL })).toMatchObject({ status: 404, detail: expect.stringContaining('is not connected (TIMEOUT)') });
    expect(await s.post('group-details', { group_id })).toMatchObject({ status: 404 });
    expect(s.whatsapp.groupCalls.length).toBe(calls);
    expect(await s.g.t.gateway.storage.stores.messages.countPending([Number((await s.status()).channel_id)])).toBe(0);
  });
});

describe('a plan without WhatsApp Web', () => {
  it('answers 405 on the group endpoints, before any session', async () => {
    s = await startWebSuite();
    const official = await s.g.t.post('pm/create-project', { token: s.g.t.masterToken, project_name: 'Official', service: 2, billing_plan: 7, generate_api_token: true });
    expect(official.status).toBe(100);
    const token = official.api_tokens[0].token;
    for (const endpoint of ['create-whatsapp-group', 'group-details', 'generate-invite-link']) {
      expect(await s.g.t.post(endpoint, { token, application: 10, group_subject: 'Team', number: ALICE, group_id: '120363000000000001@g.us' })).toMatchObject({ status: 405, message: 'API Is Not Active For This Plan' });
    }
    expect(s.whatsapp.sockets).toHaveLength(0);
  });
});

describe('group change limits', () => {
  it('answers 429 (HTTP 429) past the hourly changes and the daily creations; reads go on', async () => {
    await pairedSuite({ SWITCHBOARD_GROUP_ACTIONS_PER_HOUR: '3', SWITCHBOARD_GROUP_CREATES_PER_DAY: '1' });
    const { group_id } = await createGroup([ALICE]);
    const second = await s.g.t.inject({ method: 'POST', url: '/api/v2/create-whatsapp-group', payload: { token: s.g.t.apiToken, group_subject: 'Two', number: ALICE } });
    expect(second.statusCode).toBe(429);
    expect(second.json()).toMatchObject({ status: 429, message: 'Too Many Requests', detail: expect.stringMatching(/^the limit of 1 groups created a day on channel \d+ reached; retry in \d+ s/) });
    expect((await s.post('update-group-info', { group_id, group_subject: 'A' })).status).toBe(100);
    expect((await s.post('add-group-members', { group_id, number: BOB })).status).toBe(100);
    const limited = await s.post('update-group-info', { group_id, group_subject: 'B' });
    expect(limited).toMatchObject({ status: 429, detail: expect.stringMatching(/^the limit of 3 group changes an hour on channel \d+ reached; retry in \d+ s/) });
    expect(s.whatsapp.groups.get(group_id)!.subject).toBe('A');
    expect((await s.post('group-details', { group_id })).status).toBe(100);
    expect((await s.post('generate-invite-link', { group_id })).status).toBe(100);
  });
});

describe('group events from the session', () => {
  it('reach the event webhook as event_id 3: joined, left, promoted, demoted, subject changed', async () => {
    await pairedSuite();
    await s.g.t.post('pm/set-webhook', { token: s.g.t.masterToken, project_id: s.g.t.projectId, event_webhook: `${s.hooks.url}/events` });
    const { group_id } = await createGroup([ALICE]);
    const socket = s.whatsapp.current;
    const events = () => s.hooks.calls.filter((call) => call.path === '/events').map((call) => call.fields);
    const base = { project_id: String(s.g.t.projectId), event_id: 3, group_id, application: 10 };
    // One change at a time: event webhook calls are independent and may arrive in any order.
    const expectNext = async (notify: () => void, ...expected: Record<string, unknown>[]) => {
      const before = events().length;
      notify();
      await waitUntil(() => events().length >= before + expected.length);
      expect(events().slice(before)).toEqual(expect.arrayContaining(expected.map((each) => ({ ...base, ...each }))));
    };
    await expectNext(() => socket.groupNotification(group_id, [jid(BOB), jid(CAROL)], 'add'), { action: 1, group_subject: 'Team', number: BOB }, { action: 1, group_subject: 'Team', number: CAROL });
    await expectNext(() => socket.groupNotification(group_id, [jid(CAROL)], 'remove'), { action: 2, group_subject: 'Team', number: CAROL });
    await expectNext(() => socket.groupNotification(group_id, [jid(BOB)], 'promote'), { action: 3, group_subject: 'Team', number: BOB });
    await expectNext(() => socket.groupNotification(group_id, [jid(BOB)], 'demote'), { action: 4, group_subject: 'Team', number: BOB });
    // A member WhatsApp names only by LID (no phone number) is not reported with a wrong number.
    socket.groupNotification(group_id, ['123456789012345@lid'], 'add');
    await expectNext(() => socket.subjectNotification(group_id, 'New name'), { action: 5, group_subject: 'New name', number: '' });
    expect(events()).toHaveLength(6);
  });
});
