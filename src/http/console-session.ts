// Console sign-in: the master token is exchanged once for an HTTP-only session cookie holding a random
// id (stored only as its hash); each state-changing console request also carries the session's CSRF
// token in a header. Signing out deletes the session row, on every node at once.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { PickyError, Status, hashToken, type Account, type Authenticator, type Clock, type ConsoleSessionStore } from '../core/index.js';

export const SESSION_COOKIE = 'sb_console';
export const CSRF_HEADER = 'x-csrf-token';

export interface ConsoleSessionSettings {
  store: () => ConsoleSessionStore;
  clock: Clock;
  authenticator: Authenticator;
  lifetimeMs: number;
  /** Whether the gateway's public URL is https (then the cookie is Secure even behind a TLS proxy). */
  isPublicHttps: () => boolean;
}

export interface ConsoleSession {
  account: Account;
  csrfToken: string;
  expiresAt: number;
  idHash: string;
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

/**
 * The CSRF token follows from the cookie's id, so nothing more is stored: a page reads it from sign-in
 * (or GET /console/api/session), another site's page can neither read the cookie nor compute it.
 */
function csrfFor(id: string): string {
  return createHash('sha256').update(`csrf:${id}`).digest('base64url');
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const unauthenticated = (detail: string) => new PickyError(Status.authenticationFailed, detail);
const ID_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export class ConsoleSessions {
  constructor(private readonly settings: ConsoleSessionSettings) {}

  /** A new session for the account the master token proved; answers the cookie to set and the session. */
  async open(account: Account, isHttps: boolean): Promise<{ cookie: string; session: ConsoleSession }> {
    const now = this.settings.clock.now();
    const store = this.settings.store();
    // Expired rows go as new ones come: the table holds at most the sessions of one lifetime.
    await store.deleteExpired(now);
    const id = randomBytes(32).toString('base64url');
    const expiresAt = now + this.settings.lifetimeMs;
    const idHash = hashToken(id);
    await store.create({ idHash, accountId: account.id, masterTokenHash: account.masterTokenHash, expiresAt, createdAt: now });
    return { cookie: this.cookie(id, Math.floor(this.settings.lifetimeMs / 1000), isHttps), session: { account, csrfToken: csrfFor(id), expiresAt, idHash } };
  }

  /** Ends the session (any node will refuse its cookie) and answers the Set-Cookie that clears it. */
  async close(session: ConsoleSession, isHttps: boolean): Promise<string> {
    await this.settings.store().delete(session.idHash);
    return this.cookie('', 0, isHttps);
  }

  /**
   * The session the request's cookie carries; with `csrf` given (state-changing requests) the header
   * must match the session's token. Throws 401 otherwise.
   */
  async verify(cookieHeader: string | undefined, csrf?: { header: string | string[] | undefined }): Promise<ConsoleSession> {
    const id = cookieValue(cookieHeader, SESSION_COOKIE);
    if (!id) throw unauthenticated('not signed in to the console');
    if (!ID_PATTERN.test(id)) throw unauthenticated('console session is not valid; sign in again');
    const idHash = hashToken(id);
    const stored = await this.settings.store().find(idHash);
    if (!stored) throw unauthenticated('console session ended; sign in again');
    if (stored.expiresAt <= this.settings.clock.now()) throw unauthenticated('console session expired; sign in again');
    const account = await this.settings.authenticator.account();
    if (!account || account.id !== stored.accountId || account.masterTokenHash !== stored.masterTokenHash) throw unauthenticated('console session is for another master token; sign in again');
    if (account.isDisabled) throw new PickyError(Status.invalidUser, 'account is disabled');
    const csrfToken = csrfFor(id);
    if (csrf) {
      const given = Array.isArray(csrf.header) ? csrf.header[0] : csrf.header;
      if (typeof given !== 'string' || !sameText(given, csrfToken)) throw unauthenticated(`missing or wrong ${CSRF_HEADER} header`);
    }
    return { account, csrfToken, expiresAt: stored.expiresAt, idHash };
  }

  private cookie(value: string, maxAgeSeconds: number, isHttps: boolean): string {
    // Path=/console: the cookie is never even sent to the Picky API paths.
    const parts = [`${SESSION_COOKIE}=${value}`, 'Path=/console', `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Strict'];
    if (isHttps || this.settings.isPublicHttps()) parts.push('Secure');
    return parts.join('; ');
  }
}
