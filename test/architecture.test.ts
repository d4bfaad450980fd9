// Keeps the layout honest: core imports no adapter or library, each third-party library is loaded by
// its one wrapper (or its one layer), and only the CLI reads the environment.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../src/', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

const files = sourceFiles(SRC).map((path) => ({ path: relative(SRC, path), text: readFileSync(path, 'utf8') }));

function importsOf(text: string): string[] {
  return [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm), ...text.matchAll(/^\s*import\s+'([^']+)'/gm)].map((match) => match[1]!);
}

/** Which files (path prefixes) may load each library. */
const LIBRARY_HOMES: Record<string, string[]> = {
  'better-sqlite3': ['storage/sqlite-driver.ts'],
  pg: ['storage/postgres-driver.ts'],
  busboy: ['http/multipart-fields.ts'],
  qrcode: ['qr/qr-code.ts'],
  pino: ['app/logger.ts'],
  fastify: ['http/'],
  kysely: ['storage/'],
  '@sinclair/typebox': ['http/', 'config/', 'bridge/frames.ts'],
  ws: ['bridge/websocket-server.ts', 'agent/websocket-connection.ts'],
  undici: ['dispatch/undici-webhook-poster.ts'],
  'ipaddr.js': ['dispatch/reserved-addresses.ts'],
  baileys: ['channels/whatsapp-web/baileys-client.ts'],
  'file-type': ['media/media-type-detector.ts'],
  serialport: ['agent/modem/serial-link.ts'],
  'prom-client': ['metrics/prometheus.ts'],
  // The browser console's view library, bundled into dist/console at build time.
  preact: ['console/'],
  htm: ['console/'],
};

/** What a file loads when it is loaded: its imports that are not type-only (dynamic `import()` is not followed). */
function loadedBy(text: string): string[] {
  const statements = [...text.matchAll(/^\s*(import|export)\s([^'"]*?)from\s+'([^']+)'/gm), ...text.matchAll(/^\s*(import)\s+()'([^']+)'/gm)];
  return statements.filter((match) => !/^type\s/.test(match[2]!)).map((match) => match[3]!);
}

/** Every source file (path under src/) and library loaded, directly or not, when `entry` is loaded. */
function loadedFrom(entry: string): { sources: Set<string>; libraries: Set<string> } {
  const byPath = new Map(files.map((file) => [file.path, file.text]));
  const sources = new Set<string>();
  const libraries = new Set<string>();
  const visit = (path: string) => {
    if (sources.has(path)) return;
    sources.add(path);
    for (const spec of loadedBy(byPath.get(path) ?? '')) {
      if (spec.startsWith('node:')) continue;
      if (!spec.startsWith('.')) libraries.add(packageName(spec));
      else visit(normalize(join(dirname(path), spec)).replace(/\.js$/, '.ts'));
    }
  };
  visit(entry);
  return { sources, libraries };
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
}

describe('architecture', () => {
  it('has source files to check', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  it('core imports only core and Node built-ins', () => {
    const insideCore = (file: string, spec: string) => spec.startsWith('.') && normalize(join(dirname(file), spec)).startsWith('core/');
    const offenders = files
      .filter((file) => file.path.startsWith('core/'))
      .flatMap((file) => importsOf(file.text).filter((spec) => !insideCore(file.path, spec) && !spec.startsWith('node:')).map((spec) => `${file.path} → ${spec}`));
    expect(offenders).toEqual([]);
  });

  it('loads each third-party library only from its home', () => {
    const offenders: string[] = [];
    for (const file of files) {
      for (const spec of importsOf(file.text)) {
        if (spec.startsWith('.') || spec.startsWith('node:')) continue;
        const homes = LIBRARY_HOMES[packageName(spec)];
        if (!homes) offenders.push(`${file.path} → ${spec} (library without a declared home)`);
        else if (!homes.some((home) => file.path.startsWith(home))) offenders.push(`${file.path} → ${spec}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('loads no gateway code for the CLI to read its commands (so `switchboard agent` starts light)', () => {
    // Commands load the gateway, the database drivers or the QR renderer when they run, by import().
    const { sources, libraries } = loadedFrom('cli/main.ts');
    expect(sources.has('cli/commands/agent.ts')).toBe(true);
    const light = ['app/logger.ts', 'storage/database-location.ts', 'storage/private-files.ts', 'http/webhook-delivery-view.ts'];
    const heavy = [...sources].filter((path) => /^(app|storage|http|channels|dispatch|metrics|media|bridge\/(?!frames))\//.test(path) && !light.includes(path));
    expect(heavy).toEqual([]);
    expect([...libraries].sort()).toEqual(['@sinclair/typebox', 'pino', 'ws']);
  });

  it('reads process.env and process.argv only in the CLI', () => {
    const offenders = files.filter((file) => !file.path.startsWith('cli/') && /process\.(env|argv)/.test(file.text)).map((file) => file.path);
    expect(offenders).toEqual([]);
  });

  it('opens every file with a one-line header comment', () => {
    const missing = files.filter((file) => !file.text.startsWith('//')).map((file) => file.path);
    expect(missing).toEqual([]);
  });
});
