// The secret box the gateway seals stored secrets with: SWITCHBOARD_SECRET_KEY, or a key generated once
// into the data directory (0600) and reused on every later start.
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AesGcmSecretBox, newSecretKey, parseSecretKey } from '../core/index.js';
import { ensurePrivateDir, ensurePrivateFile } from '../storage/index.js';

export const SECRET_KEY_FILE_NAME = 'secret.key';

export interface SecretKeySettings {
  secretKey: string;
  secretKeyPrevious: string;
  dataDir: string;
}

/** Where the key came from, for the start-up log line (never the key itself). */
export type SecretKeySource = 'config' | 'generated' | 'file';

export interface LoadedSecretBox {
  box: AesGcmSecretBox;
  source: SecretKeySource;
  file: string | undefined;
}

function readKeyFile(file: string): Buffer {
  const key = parseSecretKey(readFileSync(file, 'utf8'));
  if (!key) throw new Error(`${file} does not hold a secret key (64 hex characters); restore it or set SWITCHBOARD_SECRET_KEY`);
  ensurePrivateFile(file);
  return key;
}

/** The configured key, else the data directory's key file, else a new key written there. */
function currentKey(settings: SecretKeySettings): { key: Buffer; source: SecretKeySource; file: string | undefined } {
  if (settings.secretKey) return { key: parseSecretKey(settings.secretKey)!, source: 'config', file: undefined };
  ensurePrivateDir(settings.dataDir);
  const file = join(settings.dataDir, SECRET_KEY_FILE_NAME);
  // Written whole to a private temporary file, then linked into place: link fails when the key file
  // exists, so two processes starting together both end up with the one key, never a half-written one.
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, `${newSecretKey()}\n`, { flag: 'wx', mode: 0o600 });
    linkSync(temporary, file);
    return { key: readKeyFile(file), source: 'generated', file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new Error(`cannot write the secret key to ${file}: ${(error as Error).message}`, { cause: error });
    return { key: readKeyFile(file), source: 'file', file };
  } finally {
    rmSync(temporary, { force: true });
  }
}

export function loadSecretBox(settings: SecretKeySettings): LoadedSecretBox {
  const { key, source, file } = currentKey(settings);
  const previous = settings.secretKeyPrevious
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => parseSecretKey(part)!);
  return { box: new AesGcmSecretBox(key, previous), source, file };
}
