// The typed client is generated from the gateway's own /openapi.json: this suite fails when the committed
// src/client/generated-types.ts differs from what the document gives now (a route, schema or doc changed
// without `npm run generate:client`). UPDATE_CLIENT_TYPES=1 rewrites the file instead.
import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateClientTypes } from './support/client-types-generator.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';
import { STATUS_MESSAGES } from '../src/core/index.js';

const FILE = new URL('../src/client/generated-types.ts', import.meta.url);

describe('src/client/generated-types.ts', () => {
  let t: TestGateway;
  let document: Record<string, any>;
  beforeAll(async () => {
    t = await startTestGateway();
    document = (await t.inject({ method: 'GET', url: '/openapi.json' })).json();
  });
  afterAll(() => t.close());

  it('is what the OpenAPI document gives', () => {
    const generated = generateClientTypes(document);
    if (process.env.UPDATE_CLIENT_TYPES === '1') writeFileSync(FILE, generated);
    expect(readFileSync(FILE, 'utf8')).toBe(generated);
  });

  it('names every documented endpoint with its statuses, and every status with its message', async () => {
    // Imported here: the first test can then rewrite a broken file.
    const { ENDPOINTS, PICKY_STATUS_MESSAGES } = await import('../src/client/index.js');
    const documented = Object.entries(document.paths as Record<string, any>)
      .filter(([path]) => path.startsWith('/api/v2/'))
      .map(([path, item]) => [path.slice('/api/v2/'.length), item.post['x-picky-status-codes']]);
    expect(Object.entries(ENDPOINTS).map(([name, endpoint]) => [name, [...endpoint.codes]])).toEqual(documented);
    expect(PICKY_STATUS_MESSAGES).toEqual(STATUS_MESSAGES);
  });
});
