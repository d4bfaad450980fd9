// Random secrets (API tokens, license keys, webhook signing secrets) and the one-way hash under which tokens are stored.
import { createHash, randomBytes } from 'node:crypto';

/** 160 random bits as 40 hex characters: the length Picky tokens have, so clients' fields fit. */
export function newApiToken(): string {
  return randomBytes(20).toString('hex');
}

/** A master token: 256 random bits, hex. */
export function newMasterToken(): string {
  return randomBytes(32).toString('hex');
}

/** A license key (the phone-pairing secret): 128 random bits as 32 hex characters. */
export function newLicenseKey(): string {
  return randomBytes(16).toString('hex');
}

/** A project's webhook signing secret: 192 random bits, hex, with a prefix that says what it is. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(24).toString('hex')}`;
}

/**
 * Tokens are long random strings, so a plain SHA-256 is enough to make the stored value useless to a
 * reader of the database; a slow password hash would only cost time on every request.
 */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** What a listing shows of a token whose secret is not kept: its last four characters. */
export function tokenHint(token: string): string {
  return `…${token.slice(-4)}`;
}
