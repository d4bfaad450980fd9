// Sealing of secrets the gateway must read back (credentials, webhook secrets): AES-256-GCM under a key
// from configuration, with the key's id in the sealed text so old keys can still open after a rotation.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
  isSealed(value: string): boolean;
}

/** Thrown when a sealed value cannot be opened: unknown key, or text altered. Says which. */
export class SecretBoxError extends Error {
  override readonly name = 'SecretBoxError';
}

const VERSION = 'sb1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
// `sb1:<key id>:<base64url of iv | tag | ciphertext>`; the id is not secret (a hash prefix of the key).
const SEALED_PATTERN = /^sb1:([A-Za-z0-9_-]{8}):([A-Za-z0-9_-]+)$/;

/** A new random key as 64 hex characters, the form SWITCHBOARD_SECRET_KEY takes. */
export function newSecretKey(): string {
  return randomBytes(KEY_BYTES).toString('hex');
}

/**
 * A key from its text: 64 hex characters, or base64/base64url of 32 bytes. Undefined when it is
 * neither, so configuration can report the problem.
 */
export function parseSecretKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  if (/^[0-9a-fA-F]{64}$/.test(trimmed)) return Buffer.from(trimmed, 'hex');
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)) {
    const bytes = Buffer.from(trimmed.replace(/\+/g, '-').replace(/\//g, '_').replace(/=$/, ''), 'base64url');
    if (bytes.length === KEY_BYTES) return bytes;
  }
  return undefined;
}

/** The public id of a key: 8 base64url characters of a hash, enough to tell a handful of keys apart. */
export function secretKeyId(key: Buffer): string {
  return createHash('sha256').update('switchboard secret key id\0').update(key).digest('base64url').slice(0, 8);
}

/** AES-256-GCM with a current key (sealing) and older keys (opening only) for rotation. */
export class AesGcmSecretBox implements SecretBox {
  private readonly current: { id: string; key: Buffer };
  private readonly keys = new Map<string, Buffer>();

  constructor(currentKey: Buffer, previousKeys: readonly Buffer[] = []) {
    if (currentKey.length !== KEY_BYTES) throw new SecretBoxError(`a secret key has ${KEY_BYTES} bytes`);
    this.current = { id: secretKeyId(currentKey), key: currentKey };
    for (const key of previousKeys) {
      if (key.length !== KEY_BYTES) throw new SecretBoxError(`a secret key has ${KEY_BYTES} bytes`);
      this.keys.set(secretKeyId(key), key);
    }
    this.keys.set(this.current.id, currentKey);
  }

  /** The id sealed text carries for the current key (logged at start, never the key). */
  get keyId(): string {
    return this.current.id;
  }

  seal(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.current.key, iv);
    // The version and key id are bound to the ciphertext: a value cannot be relabelled to another key.
    cipher.setAAD(Buffer.from(`${VERSION}:${this.current.id}`));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${VERSION}:${this.current.id}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  open(sealed: string): string {
    const match = SEALED_PATTERN.exec(sealed);
    if (!match) throw new SecretBoxError('not a sealed value');
    const [, id = '', payload = ''] = match;
    const key = this.keys.get(id);
    if (!key) throw new SecretBoxError(`sealed with key ${id}, which is neither SWITCHBOARD_SECRET_KEY nor one of SWITCHBOARD_SECRET_KEY_PREVIOUS`);
    const bytes = Buffer.from(payload, 'base64url');
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError('sealed value is truncated');
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(`${VERSION}:${id}`));
      decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch (error) {
      throw new SecretBoxError(`sealed value under key ${id} does not authenticate`, { cause: error });
    }
  }

  isSealed(value: string): boolean {
    return SEALED_PATTERN.test(value);
  }

  /** Whether a value is sealed under the current key (a re-seal after rotation skips it). */
  isSealedWithCurrentKey(value: string): boolean {
    return SEALED_PATTERN.exec(value)?.[1] === this.current.id;
  }
}
