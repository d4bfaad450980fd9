// Builds the web console (src/console) into dist/console: one minified script bundle, the stylesheet and
// the page. Run by `npm run build` (and so by `npm install`, through `prepare`); prints the gzipped sizes.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const source = new URL('../src/console/', import.meta.url);
const out = new URL('../dist/console/', import.meta.url);
// Built aside, then each file renamed into place: a gateway starting meanwhile (two test suites build
// side by side) reads either the old file or the new one, never half of one.
const staging = new URL(`../dist/console-${process.pid}/`, import.meta.url);

mkdirSync(out, { recursive: true });
mkdirSync(staging, { recursive: true });
await build({
  entryPoints: [new URL('main.ts', source).pathname],
  outfile: new URL('app.js', staging).pathname,
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(new URL('index.html', source), new URL('index.html', staging));
copyFileSync(new URL('style.css', source), new URL('style.css', staging));
for (const name of readdirSync(staging)) renameSync(new URL(name, staging), new URL(name, out));
rmSync(staging, { recursive: true, force: true });

let total = 0;
for (const name of readdirSync(out)) {
  const size = gzipSync(readFileSync(new URL(name, out)), { level: 9 }).length;
  total += size;
}
console.log(`console built: dist/console, ${(total / 1024).toFixed(1)} KB gzipped`);
