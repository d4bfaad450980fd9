// Serves the console's built page and assets (dist/console, made by `npm run build`) from memory, gzipped
// once at start, with headers that keep the page to its own origin's scripts.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

interface Asset {
  type: string;
  body: Buffer;
  gzipped: Buffer;
}

// No inline script or style, no other origin: a page that can hold the operator's session runs only its own code.
const SECURITY_HEADERS = {
  'content-security-policy': "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  if (!existsSync(dir)) return assets;
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const body = readFileSync(join(dir, name));
    assets.set(name, { type, body, gzipped: gzipSync(body, { level: 9 }) });
  }
  return assets;
}

function send(request: FastifyRequest, reply: FastifyReply, asset: Asset, cache: string): FastifyReply {
  const acceptsGzip = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
  reply.headers({ ...SECURITY_HEADERS, 'content-type': asset.type, 'cache-control': cache, vary: 'accept-encoding' });
  if (acceptsGzip) reply.header('content-encoding', 'gzip');
  return reply.send(acceptsGzip ? asset.gzipped : asset.body);
}

/** Registers `/console` (the page) and `/console/assets/<file>`; `dir` is where the build put them. */
export function registerConsoleStatic(app: FastifyInstance, dir: string): void {
  const assets = loadAssets(dir);
  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    const index = assets.get('index.html');
    if (!index) return reply.code(503).type('text/plain; charset=utf-8').send('The console is not built: run `npm run build` in the Switchboard checkout.\n');
    return send(request, reply, index, 'no-cache');
  };
  app.get('/console', page);
  app.get('/console/', page);
  app.get('/console/assets/:name', async (request, reply) => {
    const asset = assets.get((request.params as { name: string }).name);
    if (!asset || (request.params as { name: string }).name === 'index.html') return reply.code(404).type('text/plain; charset=utf-8').send('no such console asset\n');
    // File names carry no hash: the page is revalidated, and assets only briefly cached.
    return send(request, reply, asset, 'public, max-age=300');
  });
}
