// The secret box: sealing round-trips, altered or foreign values are refused, old keys open after a
// rotation, and the key generated into the data directory is private and reused.
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AesGcmSecretBox, SecretBoxError, newSecretKey, parseSecretKey } from '../src/core/index.js';
import { loadSecretBox } from '../src/app/secret-key-file.js';
import { loadConfig } from '../src/config/index.js';

const keyA = parseSecretKey(newSecretKey())!;
const keyB = parseSecretKey(newSecretKey())!;

describe('AesGcmSecretBox', () => {
  it('seals to versioned text that opens to the plain value, different every time', () => {
    const box = new AesGcmSecretBox(keyA);
    const sealed = box.seal('whsec_0123 ünïcode');
    expect(sealed).toMatch(/^sb1:[A-Za-z0-9_-]{8}:[A-Za-z0-9_-]+$/);
    expect(sealed).not.toContain('whsec');
    expect(box.seal('whsec_0123 ünïcode')).not.toBe(sealed);
    expect(box.open(sealed)).toBe('whsec_0123 ünïcode');
    expect(box.isSealed(sealed)).toBe(true);
    expect(box.isSealed('whsec_0123')).toBe(false);
    expect(box.open(box.seal(''))).toBe('');
  });

  it('refuses altered text, a relabelled key id, clear text and unknown keys', () => {
    const box = new AesGcmSecretBox(keyA);
    const sealed = box.seal('secret');
    const flipped = sealed.slice(0, -2) + (sealed.at(-2) === 'A' ? 'B' : 'A') + sealed.at(-1);
    expect(() => box.open(flipped)).toThrow(SecretBoxError);
    expect(() => box.open('secret')).toThrow(SecretBoxError);
    expect(() => box.open('sb1:AAAAAAAA:AAAA')).toThrow(/neither SWITCHBOARD_SECRET_KEY/);
    expect(() => new AesGcmSecretBox(keyB).open(sealed)).toThrow(SecretBoxError);
  });

  it('opens values sealed under a previous key and seals under the current one', () => {
    const old = new AesGcmSecretBox(keyA);
    const rotated = new AesGcmSecretBox(keyB, [keyA]);
    const sealedOld = old.seal('secret');
    expect(rotated.open(sealedOld)).toBe('secret');
    expect(rotated.isSealedWithCurrentKey(sealedOld)).toBe(false);
    expect(rotated.isSealedWithCurrentKey(rotated.seal('secret'))).toBe(true);
    expect(() => old.open(rotated.seal('secret'))).toThrow(SecretBoxError);
  });

  it('reads keys as hex or base64 of 32 bytes only', () => {
    expect(parseSecretKey(keyA.toString('hex'))).toEqual(keyA);
    expect(parseSecretKey(keyA.toString('base64'))).toEqual(keyA);
    expect(parseSecretKey(keyA.toString('base64url'))).toEqual(keyA);
    expect(parseSecretKey('too-short')).toBeUndefined();
    expect(parseSecretKey(keyA.toString('hex').slice(2))).toBeUndefined();
  });
});

describe('the gateway secret key', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('is generated into the data directory (0600, directory 0700) when unset, and reused', () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'sb-key-')), 'data');
    dirs.push(dataDir);
    const first = loadSecretBox({ secretKey: '', secretKeyPrevious: '', dataDir });
    expect(first.source).toBe('generated');
    expect(statSync(first.file!).mode & 0o777).toBe(0o600);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    const second = loadSecretBox({ secretKey: '', secretKeyPrevious: '', dataDir });
    expect(second.source).toBe('file');
    expect(second.box.open(first.box.seal('kept'))).toBe('kept');
    expect(readFileSync(first.file!, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
  });

  it('comes from SWITCHBOARD_SECRET_KEY when set; previous keys open old values; bad keys are config problems', () => {
    const a = keyA.toString('hex');
    const b = keyB.toString('base64');
    const config = loadConfig({ env: { SWITCHBOARD_SECRET_KEY: b, SWITCHBOARD_SECRET_KEY_PREVIOUS: a } });
    const loaded = loadSecretBox(config);
    expect(loaded.source).toBe('config');
    expect(loaded.box.open(new AesGcmSecretBox(keyA).seal('old'))).toBe('old');
    expect(() => loadConfig({ env: { SWITCHBOARD_SECRET_KEY: 'nope' } })).toThrow(/SWITCHBOARD_SECRET_KEY/);
    expect(() => loadConfig({ env: { SWITCHBOARD_SECRET_KEY_PREVIOUS: `${a},nope` } })).toThrow(/SWITCHBOARD_SECRET_KEY_PREVIOUS/);
  });
});
