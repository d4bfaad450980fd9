// Which webhook and media URLs the gateway may call: http(s) only, and (unless the operator allows it)
// never a host that resolves to loopback, private, link-local, multicast or otherwise reserved space.
import { isIP } from 'node:net';

/** Resolves a host name to its addresses; injected so that the check is testable and DNS stays outside core. */
export type HostResolver = (host: string) => Promise<string[]>;

/**
 * Whether an address (as DNS or a URL gives it) is one the gateway must not call. Core declares it; the
 * implementation, over a maintained list of special-purpose ranges, lives with the HTTP client (dispatch).
 */
export type ReservedAddressCheck = (address: string) => boolean;

export interface UrlPolicySettings {
  allowPrivate: boolean;
  resolve: HostResolver;
  isReserved: ReservedAddressCheck;
}

/** A host that resolved to a reserved address when the connection was made (DNS changed since the check). */
export class ReservedAddressError extends Error {
  constructor(host: string, address: string) {
    super(`host '${host}' resolves to a private or reserved address (${address}) at connect time`);
    this.name = 'ReservedAddressError';
  }
}

/** Explains why a URL has the wrong form, or undefined when it is an absolute http(s) URL. */
export function urlFormProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a valid URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must be an http or https URL';
  if (url.username || url.password) return 'must not carry credentials';
  return undefined;
}

/** Refusals name the setting an operator of a local setup is looking for. */
const ALLOW_HINT = '; SWITCHBOARD_ALLOW_PRIVATE_URLS=true allows it';

export class UrlPolicy {
  constructor(private readonly settings: UrlPolicySettings) {}

  get allowsPrivate(): boolean {
    return this.settings.allowPrivate;
  }

  /** Explains why the gateway must not call this URL, or undefined when it may. */
  async problem(value: string): Promise<string | undefined> {
    const formProblem = urlFormProblem(value);
    if (formProblem) return formProblem;
    if (this.settings.allowPrivate) return undefined;
    const host = new URL(value).hostname.replace(/^\[|\]$/g, '');
    // A fully qualified name may end in a dot: 'localhost.' is localhost too.
    const name = host.replace(/\.$/, '');
    if (name === 'localhost' || name.endsWith('.localhost')) return `points at this machine (loopback)${ALLOW_HINT}`;
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : await this.settings.resolve(host);
    } catch {
      return `host '${host}' does not resolve`;
    }
    if (addresses.length === 0) return `host '${host}' does not resolve`;
    const reserved = addresses.find(this.settings.isReserved);
    if (reserved) return `host '${host}' resolves to a private or reserved address (${reserved})${ALLOW_HINT}`;
    return undefined;
  }
}
