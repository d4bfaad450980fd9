// The one file that reaches swagger-ui-dist: the reference page's scripts and styles, read from the
// installed package (no CDN: /docs works offline). Only the few files the page loads are served.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The package is located, not loaded: its index would evaluate the browser bundle in Node. */
const PACKAGE_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));

/** A map, not an object literal: a name such as `__proto__` or `toString` must not be found in it. */
const ASSETS = new Map<string, string>([
  ['swagger-ui.css', 'text/css; charset=utf-8'],
  ['swagger-ui-bundle.js', 'text/javascript; charset=utf-8'],
  ['swagger-ui-standalone-preset.js', 'text/javascript; charset=utf-8'],
  ['favicon-32x32.png', 'image/png'],
]);

export interface DocsAsset {
  type: string;
  body: Buffer;
}

const cache = new Map<string, Promise<DocsAsset>>();

/** A named asset of the package, read once; undefined for any other name. */
export function docsAsset(name: string): Promise<DocsAsset> | undefined {
  const type = ASSETS.get(name);
  if (type === undefined) return undefined;
  let asset = cache.get(name);
  if (!asset) {
    asset = readFile(join(PACKAGE_DIR, name)).then((body) => ({ type, body }));
    // A failed read is tried again next time rather than remembered.
    asset.catch(() => cache.delete(name));
    cache.set(name, asset);
  }
  return asset;
}
