// The conventions every Picky endpoint shares: both path prefixes, data= form posts, query data=,
// multipart, trimmed keys, numeric strings, and documented answers for malformed input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeKeys } from '../src/http/picky-input.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway({ env: { SWITCHBOARD_BODY_LIMIT: '4096', SWITCHBOARD_AUTH_FAILURE_LIMIT: '5' } });
});
afterAll(async () => t.close());

const ok = { status: 100, message: 'Success', balance: 100 };

describe('paths and body forms', () => {
  it('serves every endpoint under /app/api/v2/ and /api/v2/', async () => {
    for (const url of ['/app/api/v2/check-balance', '/api/v2/check-balance']) {
      const response = await t.inject({ method: 'POST', url, payload: { token: t.apiToken } });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual(ok);
    }
  });

  it('reads the JSON from a urlencoded data= field', async () => {
    const response = await t.inject({
      method: 'POST',
      url: '/app/api/v2/check-balance',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `data=${encodeURIComponent(JSON.stringify({ token: t.apiToken }))}`,
    });
    expect(response.json()).toEqual(ok);
  });

  it('reads JSON that curl -d labelled as a form', async () => {
    const response = await t.inject({
      method: 'POST',
      url: '/api/v2/check-balance',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: ` ${JSON.stringify({ token: t.apiToken })}`,
    });
    expect(response.json()).toEqual(ok);
  });

  it('reads plain form fields when there is no data field', async () => {
    const response = await t.inject({
      method: 'POST',
      url: '/api/v2/check-balance',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: `token=${t.apiToken}`,
    });
    expect(response.json()).toEqual(ok);
  });

  it('reads the JSON from a data query parameter', async () => {
    const response = await t.inject({ method: 'POST', url: `/api/v2/check-balance?data=${encodeURIComponent(JSON.stringify({ token: t.apiToken }))}` });
    expect(response.json()).toEqual(ok);
  });

  it('reads the JSON from a multipart data field (PHP curl with an array body)', async () => {
    const boundary = '----switchboardtest';
    const payload = [`--${boundary}`, 'Content-Disposition: form-data; name="data"', '', JSON.stringify({ token: t.apiToken }), `--${boundary}--`, ''].join('\r\n');
    const response = await t.inject({ method: 'POST', url: '/api/v2/check-balance', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
    expect(response.json()).toEqual(ok);
  });

  it('reads JSON sent without a content type or as text/plain', async () => {
    for (const headers of [{ 'content-type': 'text/plain' }, {}]) {
      const response = await t.inject({ method: 'POST', url: '/api/v2/check-balance', headers, payload: JSON.stringify({ token: t.apiToken }) });
      expect(response.json()).toEqual(ok);
    }
  });
});

describe('key and value quirks', () => {
  it('trims keys so "priority " reads as priority, the exact spelling winning', () => {
    expect(normalizeKeys({ 'priority ': '1', data: [{ ' number': '1' }] })).toEqual({ priority: '1', data: [{ number: '1' }] });
    expect(normalizeKeys({ 'priority ': '1', priority: 0 })).toEqual({ priority: 0 });
  });

  it('accepts a trimmed-key token and numeric strings', async () => {
    expect(await t.post('check-balance', { 'token ': t.apiToken })).toEqual(ok);
    const answer = await t.post('pm/get-projects', { token: t.masterToken, 'project_id ': String(t.projectId) });
    expect(answer.status).toBe(100);
  });
});

describe('bad input gets a documented answer', () => {
  it.each([
    ['{"token": ', 'body is not valid JSON'],
    ['[1,2,3]', 'body must be a JSON object'],
    ['"text"', 'body must be a JSON object'],
    ['null', 'body must be a JSON object'],
  ])('answers 410 to the body %s', async (payload, detail) => {
    const response = await t.inject({ method: 'POST', url: '/api/v2/check-balance', headers: { 'content-type': 'application/json' }, payload });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ status: 410, message: 'Invalid Request', detail: expect.stringContaining(detail) });
  });

  it('answers 410 to a data= field that is not JSON', async () => {
    const response = await t.inject({ method: 'POST', url: '/api/v2/check-balance', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'data={broken' });
    expect(response.json()).toMatchObject({ status: 410, detail: expect.stringContaining("form field 'data' is not valid JSON") });
  });

  it('answers 410 to text holding a NUL character, in JSON, forms and the query (PostgreSQL cannot store one)', async () => {
    const expected = { status: 410, message: 'Invalid Request', detail: 'text must not contain the NUL character (\\u0000)' };
    const json = await t.inject({ method: 'POST', url: '/api/v2/check-balance', payload: `{"token":"${t.apiToken}","note":"a\\u0000b"}` });
    expect(json.json()).toEqual(expected);
    const form = await t.inject({ method: 'POST', url: '/api/v2/check-balance', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${t.apiToken}&note=a%00b` });
    expect(form.json()).toEqual(expected);
    const query = await t.inject({ method: 'POST', url: `/api/v2/check-balance?token=${t.apiToken}&n%00te=1` });
    expect(query.json()).toEqual(expected);
    // An escaped backslash before "u0000" is text, not a NUL.
    const text = await t.inject({ method: 'POST', url: '/api/v2/check-balance', payload: `{"token":"${t.apiToken}","note":"a\\\\u0000b"}` });
    expect(text.json()).toMatchObject({ status: 100 });
  });

  it('answers 410 to a body over the limit', async () => {
    const response = await t.inject({ method: 'POST', url: '/api/v2/check-balance', payload: { token: t.apiToken, filler: 'x'.repeat(5000) } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 410, message: 'Invalid Request', detail: 'body is larger than 4096 bytes' });
  });

  it('answers 410 to a broken multipart body', async () => {
    const response = await t.inject({ method: 'POST', url: '/api/v2/check-balance', headers: { 'content-type': 'multipart/form-data' }, payload: 'garbage' });
    expect(response.json()).toMatchObject({ status: 410 });
  });

  it('answers GET on an endpoint with 405 and unknown paths with 404, both as JSON', async () => {
    const get = await t.inject({ method: 'GET', url: '/api/v2/check-balance' });
    expect(get.statusCode).toBe(405);
    expect(get.json()).toMatchObject({ status: 410, message: 'Invalid Request' });
    const missing = await t.inject({ method: 'POST', url: '/api/v2/no-such-endpoint', payload: {} });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ status: 410, detail: 'no endpoint POST /api/v2/no-such-endpoint' });
  });

  it('throttles an address after repeated authentication failures with HTTP 429', async () => {
    const address = '203.0.113.9';
    for (let attempt = 0; attempt < 5; attempt += 1) {
      expect(await t.post('check-balance', { token: 'wrong' }, { remoteAddress: address })).toMatchObject({ status: 401 });
    }
    const blocked = await t.inject({ method: 'POST', url: '/api/v2/check-balance', payload: { token: t.apiToken }, remoteAddress: address });
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json()).toMatchObject({ status: 429, message: 'Too Many Requests' });
    expect(await t.post('check-balance', { token: t.apiToken }, { remoteAddress: '203.0.113.10' })).toEqual(ok);
  });
});

describe('health probes', () => {
  it('answers /healthz and /readyz', async () => {
    expect((await t.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await t.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready' });
  });
});
