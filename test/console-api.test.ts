// The console's own API over HTTP, on real storage: sign-in and its cookie, CSRF, sign-out, that the
// cookie never opens the Picky API, the console-only reads, the live stream, and the page's weight.
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { ManualClock, startTestGateway, type TestGateway } from './support/test-gateway.js';
import { startListeningGateway } from './support/listening-gateway.js';

const DIST = new URL('../dist/console/', import.meta.url);
// The gateway loads the built console when it starts: build this checkout's console first.
beforeAll(() => void execFileSync(process.execPath, [new URL('../scripts/build-console.mjs', import.meta.url).pathname], { stdio: 'pipe' }));

let t: TestGateway;
beforeEach(async () => {
  t = await startTestGateway();
});
afterEach(() => t.close());

async function signIn(token = t.masterToken, headers: Record<string, string> = {}) {
  const response = await t.inject({ method: 'POST', url: '/console/api/sign-in', payload: { token }, headers });
  return { response, body: response.json(), cookie: String(response.headers['set-cookie'] ?? '').split(';')[0]! };
}

async function consolePost(endpoint: string, session: { cookie: string; csrf?: string }, payload: Record<string, unknown> = {}) {
  const headers: Record<string, string> = { cookie: session.cookie };
  if (session.csrf !== undefined) headers['x-csrf-token'] = session.csrf;
  return (await t.inject({ method: 'POST', url: `/console/api/${endpoint}`, payload, headers })).json();
}

describe('console sign-in', () => {
  it('exchanges the master token for an HTTP-only, SameSite=Strict cookie on /console', async () => {
    const { body, response } = await signIn();
    expect(body).toMatchObject({ status: 100, csrf_token: expect.any(String) });
    const setCookie = String(response.headers['set-cookie']);
    expect(setCookie).toMatch(/^sb_console=[\w-]+; Path=\/console; Max-Age=28800; HttpOnly; SameSite=Strict$/);
    expect(setCookie).not.toContain('Secure');
    expect(setCookie).not.toContain(t.masterToken);
  });

  it('marks the cookie Secure when the public URL is https', async () => {
    await t.close();
    t = await startTestGateway({ env: { SWITCHBOARD_PUBLIC_URL: 'https://gateway.example' } });
    expect(String((await signIn()).response.headers['set-cookie'])).toMatch(/; Secure$/);
  });

  it('answers malformed sign-ins with documented codes, never a stack trace', async () => {
    for (const payload of ['not json', '{"token": 5}', '[]', '']) {
      const response = await t.inject({ method: 'POST', url: '/console/api/sign-in', payload, headers: { 'content-type': 'application/json' } });
      expect([401, 410], payload).toContain(response.json().status);
      expect(response.body).not.toContain('at ');
    }
    const { cookie } = await signIn();
    for (const query of ['', 'project_id=abc&topic=devices', `project_id=0x${t.projectId}&topic=devices`, `project_id=${t.projectId}.0&topic=devices`, `project_id=${t.projectId}&topic=push&push_id=-1`, `project_id=${t.projectId}&topic=whatsapp&channel_id=1`]) {
      expect((await t.inject({ method: 'GET', url: `/console/api/live?${query}`, headers: { cookie } })).json().status, query).toBe(410);
    }
  });

  it('refuses a wrong token with 401 and sets no cookie', async () => {
    const { body, response } = await signIn('wrong');
    expect(body.status).toBe(401);
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('asks for the CSRF header on every console call, and takes the cookie with it', async () => {
    const { cookie, body } = await signIn();
    expect((await consolePost('pm/get-projects', { cookie })).status).toBe(401);
    expect((await consolePost('pm/get-projects', { cookie, csrf: 'forged' })).status).toBe(401);
    expect((await consolePost('pm/get-projects', { cookie: '', csrf: body.csrf_token })).status).toBe(401);
    const projects = await consolePost('pm/get-projects', { cookie, csrf: body.csrf_token });
    expect(projects.status).toBe(100);
    expect(projects.data.map((project: any) => Number(project.project_id))).toContain(t.projectId);
  });

  it('gives a reloaded page its CSRF token back, and nothing without the cookie', async () => {
    const { cookie, body } = await signIn();
    expect((await t.inject({ method: 'GET', url: '/console/api/session', headers: { cookie } })).json()).toMatchObject({ status: 100, csrf_token: body.csrf_token });
    expect((await t.inject({ method: 'GET', url: '/console/api/session' })).json().status).toBe(401);
  });

  it('refuses an altered cookie, and every cookie once the master token changes', async () => {
    const { cookie, body } = await signIn();
    const altered = `${cookie.slice(0, -3)}${cookie.endsWith('A') ? 'B' : 'A'}xx`;
    expect((await consolePost('pm/fetch-balance', { cookie: altered, csrf: body.csrf_token })).status).toBe(401);
    await t.gateway.services.accounts.rotateMasterToken();
    t.gateway.services.authenticator.forgetAccount();
    expect((await consolePost('pm/fetch-balance', { cookie, csrf: body.csrf_token })).status).toBe(401);
  });

  it('signs out by clearing the cookie', async () => {
    const { cookie, body } = await signIn();
    const response = await t.inject({ method: 'POST', url: '/console/api/sign-out', payload: {}, headers: { cookie, 'x-csrf-token': body.csrf_token } });
    expect(response.json().status).toBe(100);
    expect(String(response.headers['set-cookie'])).toMatch(/^sb_console=; Path=\/console; Max-Age=0; HttpOnly; SameSite=Strict/);
    // The session is gone from the database: a copy of the cookie is worth nothing, on any node.
    expect((await consolePost('pm/fetch-balance', { cookie, csrf: body.csrf_token })).status).toBe(401);
    expect((await t.inject({ method: 'GET', url: '/console/api/session', headers: { cookie } })).json().status).toBe(401);
  });

  it('keeps only hashes of session ids, and ends a session at its expiry', async () => {
    await t.close();
    const clock = new ManualClock();
    t = await startTestGateway({ clock });
    const { cookie, body } = await signIn();
    const id = cookie.split('=')[1]!;
    const stored = await t.gateway.storage.stores.consoleSessions.find(createHash('sha256').update(id).digest('hex'));
    expect(stored).toMatchObject({ accountId: 1, expiresAt: clock.now() + 8 * 3600_000 });
    expect(JSON.stringify(stored)).not.toContain(id);
    clock.advance(8 * 3600_000 - 1);
    expect((await consolePost('pm/fetch-balance', { cookie, csrf: body.csrf_token })).status).toBe(100);
    clock.advance(1);
    expect((await consolePost('pm/fetch-balance', { cookie, csrf: body.csrf_token })).status).toBe(401);
    // The next sign-in clears expired rows.
    await signIn();
    expect(await t.gateway.storage.stores.consoleSessions.find(stored!.idHash)).toBeUndefined();
  });
});

describe('the cookie never grants the Picky API', () => {
  it('is worth nothing on pm/* and project endpoints, with or without the CSRF header', async () => {
    const { cookie, body } = await signIn();
    const headers = { cookie, 'x-csrf-token': body.csrf_token };
    for (const endpoint of ['pm/get-projects', 'pm/fetch-balance', 'device-status', 'delivery-report']) {
      for (const prefix of ['/api/v2/', '/app/api/v2/']) {
        const answer = (await t.inject({ method: 'POST', url: `${prefix}${endpoint}`, payload: { project_id: t.projectId, push_id: 1 }, headers })).json();
        expect(answer.status, `${prefix}${endpoint}`).toBe(401);
      }
    }
    // Console-only reads have no Picky path at all.
    expect((await t.inject({ method: 'POST', url: '/api/v2/console/messages', payload: { token: t.masterToken, project_id: t.projectId } })).statusCode).toBe(404);
  });
});

describe('console reads', () => {
  let session: { cookie: string; csrf: string };
  beforeEach(async () => {
    const { cookie, body } = await signIn();
    session = { cookie, csrf: body.csrf_token };
  });

  it('finds messages by push id, number, state and date, and shows a timeline', async () => {
    const first = await t.post('push', { token: t.apiToken, application: 1, globalmessage: 'one', data: [{ number: '15550001111' }, { number: '15550002222' }] });
    const second = await t.post('push', { token: t.apiToken, application: 1, globalmessage: 'two', data: [{ number: '15550001111' }] });
    expect([first.status, second.status]).toEqual([100, 100]);
    const search = (filter: Record<string, unknown>) => consolePost('console/messages', session, { project_id: t.projectId, ...filter });
    const byPush = await search({ push_id: first.push_id });
    expect(byPush.data.map((row: any) => row.number).sort()).toEqual(['15550001111', '15550002222']);
    expect((await search({ number: '+15550001111' })).data.map((row: any) => row.push_id)).toEqual([String(second.push_id), String(first.push_id)]);
    expect((await search({ state: 'queued' })).data).toHaveLength(3);
    expect((await search({ state: 'delivered' })).data).toHaveLength(0);
    expect((await search({ from: '2000-01-01', until: '2000-01-02' })).data).toHaveLength(0);
    expect((await search({ state: 'lost' })).status).toBe(410);
    expect((await search({ from: 'yesterday' })).status).toBe(410);
    const messageId = byPush.data[0].message_id;
    const timeline = await consolePost('console/message-timeline', session, { project_id: t.projectId, message_id: messageId });
    expect(timeline).toMatchObject({ status: 100, message_id: messageId, timeline: [{ state: 'queued', error: '' }] });
  });

  it("keeps one project's messages and tokens from another project's pages", async () => {
    const pushed = await t.post('push', { token: t.apiToken, application: 1, globalmessage: 'x', data: [{ number: '15550001111' }] });
    const other = await consolePost('pm/create-project', session, { project_name: 'Other', generate_api_token: true });
    const [message] = (await consolePost('console/messages', session, { project_id: t.projectId, push_id: pushed.push_id })).data;
    expect((await consolePost('console/message-timeline', session, { project_id: other.project_id, message_id: message.message_id })).status).toBe(503);
    expect((await consolePost('console/messages', session, { project_id: other.project_id, push_id: pushed.push_id })).data).toEqual([]);
    const demoToken = (await consolePost('pm/get-projects', session, { project_id: t.projectId })).api_tokens[0];
    expect((await consolePost('console/manage-api-token', session, { project_id: other.project_id, token_id: demoToken.token_id, action: 1 })).status).toBe(410);
  });

  it('disables, enables and deletes a token by its id', async () => {
    const demoToken = (await consolePost('pm/get-projects', session, { project_id: t.projectId })).api_tokens[0];
    const manage = (action: number) => consolePost('console/manage-api-token', session, { project_id: t.projectId, token_id: demoToken.token_id, action });
    expect(await manage(1)).toMatchObject({ status: 100, token_status: 'disabled' });
    expect((await t.post('check-balance', { token: t.apiToken })).status).toBe(401);
    expect(await manage(2)).toMatchObject({ status: 100, token_status: 'active' });
    expect((await t.post('check-balance', { token: t.apiToken })).status).toBe(100);
    expect((await manage(9)).status).toBe(410);
    expect(await manage(3)).toMatchObject({ status: 100, token_status: 'deleted' });
  });

  it('shows the balance and the ledger, newest first', async () => {
    await t.gateway.services.wallet.credit({ accountId: 1, amount: 5_000_000, reason: 'top-up', reference: 'test', projectId: null });
    const ledger = await consolePost('console/wallet-ledger', session, { limit: 10 });
    expect(ledger.status).toBe(100);
    expect(ledger.data[0]).toMatchObject({ kind: 'credit', amount: '5', reason: 'top-up' });
    expect(Number(ledger.balance)).toBe((await t.post('pm/fetch-balance', { token: t.masterToken })).balance);
  });

  it('reaches device-status for a project through the session, and answers as the Picky endpoint does', async () => {
    const picky = await t.post('device-status', { token: t.apiToken });
    expect(picky.status).toBe(504);
    expect(await consolePost('device-status', session, { project_id: t.projectId })).toEqual(picky);
    expect((await consolePost('device-status', session, { project_id: 999 })).status).toBe(410);
    expect((await consolePost('device-status', session, {})).status).toBe(410);
  });
});

describe('the console page', () => {
  it('is served gzipped with a content security policy, under 200 KB compressed on first load', async () => {
    const page = await t.inject({ method: 'GET', url: '/console', headers: { 'accept-encoding': 'gzip' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-encoding']).toBe('gzip');
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'");
    let total = page.rawPayload.length;
    for (const asset of ['app.js', 'style.css']) {
      const response = await t.inject({ method: 'GET', url: `/console/assets/${asset}`, headers: { 'accept-encoding': 'gzip' } });
      expect(response.statusCode).toBe(200);
      total += response.rawPayload.length;
    }
    // The page loads exactly these three files; every other byte comes from the JSON API.
    expect(readdirSync(DIST).sort()).toEqual(['app.js', 'index.html', 'style.css']);
    expect(total).toBeLessThan(200 * 1024);
    console.info(`console first load: ${(total / 1024).toFixed(1)} KB gzipped`);
    expect(gzipSync(readFileSync(new URL('app.js', DIST))).length).toBeLessThan(total);
    expect((await t.inject({ method: 'GET', url: '/console/assets/secret.txt' })).statusCode).toBe(404);
  });
});

describe('live updates', () => {
  it('streams a push snapshot to a signed-in page, and refuses one without the cookie', async () => {
    const g = await startListeningGateway();
    const json = async (response: Response) => (await response.json()) as Record<string, any>;
    try {
      expect((await json(await fetch(`${g.url}/console/api/live?topic=push&project_id=${g.t.projectId}&push_id=1`))).status).toBe(401);
      const signed = await fetch(`${g.url}/console/api/sign-in`, { method: 'POST', body: JSON.stringify({ token: g.t.masterToken }) });
      const cookie = signed.headers.get('set-cookie')!.split(';')[0]!;
      const pushed = await g.t.post('push', { token: g.t.apiToken, application: 1, globalmessage: 'live', data: [{ number: '15550001111' }] });
      expect((await json(await fetch(`${g.url}/console/api/live?topic=push&project_id=${g.t.projectId}&push_id=999`, { headers: { cookie } }))).status).toBe(410);
      expect((await json(await fetch(`${g.url}/console/api/live?topic=nothing&project_id=${g.t.projectId}`, { headers: { cookie } }))).status).toBe(410);
      const stream = await fetch(`${g.url}/console/api/live?topic=push&project_id=${g.t.projectId}&push_id=${pushed.push_id}`, { headers: { cookie }, signal: AbortSignal.timeout(10_000) });
      expect(stream.headers.get('content-type')).toContain('text/event-stream');
      const reader = stream.body!.getReader();
      const { value } = await reader.read();
      const event = new TextDecoder().decode(value);
      expect(event).toMatch(/^data: /);
      expect(JSON.parse(event.slice(6))).toMatchObject({ push_id: String(pushed.push_id), data: [{ number: '15550001111', state: 'queued' }] });
      await reader.cancel();
    } finally {
      await g.close();
    }
  });
});
