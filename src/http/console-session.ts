// Console sign-in: the master token is exchanged once for a sealed, HTTP-only session cookie; each
// state-changing console request also carries the session's CSRF token in a header.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { PickyError, Status, type Account, type Authenticator, type Clock, type SecretBox } from '../core/index.js';

export const SESSION_COOKIE = 'sb_console';
export const CSRF_HEADER = 'x-csrf-token';

/** What the sealed cookie holds. No server-side row: any node sharing the secret key can open it. */
interface SessionBody {
  /** Account id. */
  a: number;
  /** The start of the master token's hash: a changed master token ends every session. */
  h: string;
  /** Expiry (ms since the epoch). */
  e: number;
  /** CSRF token, handed to the page at sign-in and checked against this copy. */
  c: string;
}

export interface ConsoleSessionSettings {
  box: SecretBox;
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
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const unauthenticated = (detail: string) => new PickyError(Status.authenticationFailed, detail);

export class ConsoleSessions {
  constructor(private readonly settings: ConsoleSessionSettings) {}

  /** A new session for the account the master token proved; answers the cookie to set and the CSRF token. */
  open(account: Account, isHttps: boolean): { cookie: string; session: ConsoleSession } {
    const expiresAt = this.settings.clock.now() + this.settings.lifetimeMs;
    const body: SessionBody = { a: account.id, h: account.masterTokenHash.slice(0, 16), e: expiresAt, c: randomBytes(24).toString('base64url') };
    const value = Buffer.from(this.settings.box.seal(JSON.stringify(body))).toString('base64url');
    return { cookie: this.cookie(value, Math.floor(this.settings.lifetimeMs / 1000), isHttps), session: { account, csrfToken: body.c, expiresAt } };
  }

  /** The Set-Cookie value that ends a session in the browser. */
  cleared(isHttps: boolean): string {
    return this.cookie('', 0, isHttps);
  }

  /**
   * The session the request's cookie carries; with `csrf` given (state-changing requests) the header
   * must match the session's token. Throws 401 otherwise.
   */
  async verify(cookieHeader: string | undefined, csrf?: { header: string | string[] | undefined }): Promise<ConsoleSession> {
    const raw = cookieValue(cookieHeader, SESSION_COOKIE);
    if (!raw) throw unauthenticated('not signed in to the console');
    let body: SessionBody;
    try {
      body = JSON.parse(this.settings.box.open(Buffer.from(raw, 'base64url').toString())) as SessionBody;
    } catch {
      throw unauthenticated('console session is not valid; sign in again');
    }
    if (typeof body.e !== 'number' || body.e <= this.settings.clock.now()) throw unauthenticated('console session expired; sign in again');
    const account = await this.settings.authenticator.account();
    if (!account || account.id !== body.a || !account.masterTokenHash.startsWith(body.h)) throw unauthenticated('console session is for another master token; sign in again');
    if (account.isDisabled) throw new PickyError(Status.invalidUser, 'account is disabled');
    if (csrf) {
      const given = Array.isArray(csrf.header) ? csrf.header[0] : csrf.header;
      if (typeof given !== 'string' || !sameText(given, body.c)) throw unauthenticated(`missing or wrong ${CSRF_HEADER} header`);
    }
    return { account, csrfToken: body.c, expiresAt: body.e };
  }

  isSecure(isHttps: boolean): boolean {
    return isHttps || this.settings.isPublicHttps();
  }

  private cookie(value: string, maxAgeSeconds: number, isHttps: boolean): string {
    // Path=/console: the cookie is never even sent to the Picky API paths.
    const parts = [`${SESSION_COOKIE}=${value}`, 'Path=/console', `Max-Age=${maxAgeSeconds}`, 'HttpOnly', 'SameSite=Strict'];
    if (this.isSecure(isHttps)) parts.push('Secure');
    return parts.join('; ');
  }
}
