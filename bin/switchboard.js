#!/usr/bin/env node
// The `switchboard` command: runs the compiled CLI (npm install builds it through the prepare script).
import { existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write('switchboard is not built yet: run `npm install` (or `npm run build`) in the checkout first.\n');
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2), process.env);
