// Which webhook and media URLs the gateway may call: http(s) only, and (unless the operator allows it)
// never a host that resolves to loopback, private, link-local, multicast or otherwise reserved space.
import { BlockList, isIP } from 'node:net';

/** Resolves a host name to its addresses; injected so that the check is testable and DNS stays outside core. */
export type HostResolver = (host: string) => Promise<string[]>;

export interface UrlPolicySettings {
  allowPrivate: boolean;
  resolve: HostResolver;
}

const RESERVED = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) RESERVED.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
  RESERVED.addSubnet(net, bits, 'ipv6');
}

/** A host that resolved to a reserved address when the connection was made (DNS changed since the check). */
export class ReservedAddressError extends Error {
  constructor(host: string, address: string) {
    super(`host '${host}' resolves to a private or reserved address (${address}) at connect time`);
    this.name = 'ReservedAddressError';
  }
}

export function isReservedAddress(ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped?.[1] ?? ip;
  const family = isIP(address);
  if (family === 0) return true;
  return RESERVED.check(address, family === 6 ? 'ipv6' : 'ipv4');
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
    if (host === 'localhost' || host.endsWith('.localhost')) return 'points at this machine (loopback)';
    let addresses: string[];
    try {
      addresses = isIP(host) ? [host] : await this.settings.resolve(host);
    } catch {
      return `host '${host}' does not resolve`;
    }
    if (addresses.length === 0) return `host '${host}' does not resolve`;
    const reserved = addresses.find(isReservedAddress);
    if (reserved) return `host '${host}' resolves to a private or reserved address (${reserved})`;
    return undefined;
  }
}
