// GET /docs: the reference page loads only what the gateway itself serves (no CDN, so it works offline),
// its assets come from the installed package, and it reads /openapi.json from the same gateway. Also: the
// package exports the typed client as `switchboard/client`, and docs/grafana-dashboard.json is valid.
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

let t: TestGateway;
beforeAll(async () => {
  t = await startTestGateway();
});
afterAll(() => t.close());

describe('GET /docs', () => {
  it('serves a page whose scripts and styles all come from this gateway', async () => {
    const page = await t.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    const references = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
    expect(references.length).toBeGreaterThanOrEqual(4);
    for (const reference of references) {
      expect(reference, reference).toMatch(/^\/docs\//);
      const asset = await t.inject({ method: 'GET', url: reference });
      expect(asset.statusCode, reference).toBe(200);
      expect(asset.rawPayload.length, reference).toBeGreaterThan(100);
    }
    const bundle = await t.inject({ method: 'GET', url: '/docs/swagger-ui-bundle.js' });
    expect(bundle.headers['content-type']).toContain('javascript');
    expect(bundle.rawPayload.length).toBeGreaterThan(500_000);
  });

  it('points the page at /openapi.json, with no outside validator, and serves nothing else of the package', async () => {
    const init = await t.inject({ method: 'GET', url: '/docs/init.js' });
    expect(init.body).toContain("url: '/openapi.json'");
    expect(init.body).toContain('validatorUrl: null');
    expect(init.body).not.toMatch(/https?:\/\//);
    for (const name of ['package.json', '..%2Fpackage.json', 'index.js', 'swagger-ui-bundle.js.map', '__proto__', 'constructor', 'toString']) {
      expect((await t.inject({ method: 'GET', url: `/docs/${name}` })).statusCode, name).toBe(404);
    }
    const document = (await t.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(document.servers).toEqual([{ url: '/', description: 'this gateway' }]);
  });
});

describe('package.json exports', () => {
  it('exports the client with its types, from files the build writes for src/client/index.ts', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(pkg.exports['./client']).toEqual({ types: './dist/client/index.d.ts', import: './dist/client/index.js' });
    expect(existsSync(new URL('../src/client/index.ts', import.meta.url))).toBe(true);
    expect(pkg.bin.switchboard).toBe('bin/switchboard.js');
    const build = JSON.parse(readFileSync(new URL('../tsconfig.build.json', import.meta.url), 'utf8'));
    expect(build.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist', declaration: true });
  });
});

describe('docs/grafana-dashboard.json', () => {
  it('is a dashboard whose queries name only metrics the gateway exposes', async () => {
    const dashboard = JSON.parse(readFileSync(new URL('../docs/grafana-dashboard.json', import.meta.url), 'utf8'));
    expect(dashboard.title).toBeTruthy();
    expect(dashboard.panels.length).toBeGreaterThan(5);
    const exposed = (await t.inject({ method: 'GET', url: '/metrics' })).body;
    const queries: string[] = dashboard.panels.flatMap((panel: { targets?: { expr: string }[] }) => (panel.targets ?? []).map((target) => target.expr));
    for (const query of queries) {
      for (const name of query.match(/switchboard_[a-z_]+/g) ?? []) {
        const base = name.replace(/_(bucket|sum|count)$/, '');
        expect(exposed, `${name} in ${query}`).toMatch(new RegExp(`# TYPE ${base} `));
      }
    }
  });
});

describe('docs/operations.md', () => {
  it('lists every switchboard_ metric the gateway exposes (process metrics as a family)', async () => {
    const text = readFileSync(new URL('../docs/operations.md', import.meta.url), 'utf8');
    const exposed = (await t.inject({ method: 'GET', url: '/metrics' })).body;
    const names = [...exposed.matchAll(/^# TYPE (switchboard_\w+) /gm)].map((match) => match[1]!).filter((name) => !/^switchboard_(process|nodejs)_/.test(name));
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(text, name).toContain(`| \`${name}\` |`);
  });
});
