// IP allow-lists of API tokens: single addresses or CIDR ranges, IPv4 and IPv6.
import { BlockList, isIP } from 'node:net';

/** Explains why an entry is not an address or CIDR range, or undefined when it is one. */
export function allowListEntryProblem(entry: string): string | undefined {
  const [address, bits, extra] = entry.split('/');
  const family = isIP(address ?? '');
  if (family === 0 || extra !== undefined) return `'${entry}' is not an IP address or CIDR range`;
  if (bits === undefined) return undefined;
  const prefix = Number(bits);
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(bits) || prefix > max) return `'${entry}' has an invalid prefix length`;
  return undefined;
}

/** An IPv4 address seen through a dual-stack socket arrives as ::ffff:a.b.c.d. */
function unmapped(ip: string): string {
  return ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

export class IpAllowList {
  private readonly list = new BlockList();
  readonly isEmpty: boolean;

  constructor(entries: readonly string[]) {
    this.isEmpty = entries.length === 0;
    for (const entry of entries) {
      const [address = '', bits] = entry.split('/');
      const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.list.addAddress(address, type);
      else this.list.addSubnet(address, Number(bits), type);
    }
  }

  /** An empty list allows every address. */
  allows(ip: string): boolean {
    if (this.isEmpty) return true;
    const address = unmapped(ip);
    const family = isIP(address);
    if (family === 0) return false;
    return this.list.check(address, family === 6 ? 'ipv6' : 'ipv4');
  }
}
