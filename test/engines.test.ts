// package.json `engines` tells the truth: every installed package runs on the oldest Node versions it claims.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

interface Manifest {
  name?: string;
  version?: string;
  engines?: { node?: unknown };
}

const root = new URL('..', import.meta.url).pathname;

function readManifest(dir: string): Manifest | undefined {
  const file = join(dir, 'package.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Manifest) : undefined;
}

/** Every package under node_modules, nested copies and scoped names included. */
function installedPackages(modulesDir: string, found: { dir: string; manifest: Manifest }[] = []): { dir: string; manifest: Manifest }[] {
  if (!existsSync(modulesDir)) return found;
  for (const entry of readdirSync(modulesDir)) {
    if (entry.startsWith('.')) continue;
    const dir = join(modulesDir, entry);
    if (entry.startsWith('@')) {
      installedPackages(dir, found);
      continue;
    }
    const manifest = readManifest(dir);
    if (!manifest) continue;
    found.push({ dir, manifest });
    installedPackages(join(dir, 'node_modules'), found);
  }
  return found;
}

/** The first version of each alternative of a range: `^20.19.0 || >=22.12.0` → 20.19.0 and 22.12.0. */
function floorsOf(range: string): string[] {
  return new semver.Range(range).set.map((comparators) => semver.minVersion(comparators.map((comparator) => comparator.value).join(' '))!.version);
}

describe('engines', () => {
  const declared = readManifest(root)!.engines!.node as string;

  it('declares a Node range', () => {
    expect(semver.validRange(declared)).not.toBeNull();
  });

  it('is met by every installed package at each lowest Node version it admits', () => {
    const floors = floorsOf(declared);
    const excluded: string[] = [];
    for (const { manifest } of installedPackages(join(root, 'node_modules'))) {
      const wanted = manifest.engines?.node;
      if (typeof wanted !== 'string' || semver.validRange(wanted) === null) continue;
      for (const floor of floors) {
        if (!semver.satisfies(floor, wanted)) excluded.push(`${manifest.name}@${manifest.version} wants node ${wanted}, not ${floor}`);
      }
    }
    expect(excluded).toEqual([]);
  });
});
