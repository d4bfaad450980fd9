// The one file that loads ipaddr.js: which IP addresses the gateway must not call (loopback, private,
// link-local, documentation, translation forms hiding one of those…), from ipaddr.js's maintained list of
// IANA special-purpose ranges plus the IPv4 address embedded in IPv6 translation forms.
import ipaddr from 'ipaddr.js';

type IPv4 = ipaddr.IPv4;
type IPv6 = ipaddr.IPv6;

// Only 2000::/3 is allocated as global unicast (IANA); ipaddr.js names special ranges, not unallocated ones.
const GLOBAL_UNICAST: [IPv6, number] = ipaddr.IPv6.parseCIDR('2000::/3');
// RFC 8215's local-use NAT64 prefix: translated by the operator's own equipment (the local network SSRF
// aims at), and the position of the IPv4 address depends on a prefix length we cannot know.
const LOCAL_USE_NAT64: [IPv6, number] = ipaddr.IPv6.parseCIDR('64:ff9b:1::/48');

function ipv4At(bytes: number[], from: number, invert = false): IPv4 {
  return new ipaddr.IPv4(bytes.slice(from, from + 4).map((byte) => (invert ? byte ^ 0xff : byte)));
}

/**
 * The IPv4 addresses an IPv6 address leads to, for the forms that carry one: IPv4-mapped (::ffff:a.b.c.d)
 * and RFC 6145's ::ffff:0:a.b.c.d, IPv4-compatible (::a.b.c.d), NAT64 (64:ff9b::a.b.c.d), 6to4
 * (2002:aabb:ccdd::) and Teredo (server in bits 32–63, client inverted in the last 32 bits). Undefined
 * for the other forms.
 */
function embeddedIPv4(address: IPv6): IPv4[] | undefined {
  const bytes = address.toByteArray();
  switch (address.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
    case 'rfc6052':
      return [ipv4At(bytes, 12)];
    case '6to4':
      return [ipv4At(bytes, 2)];
    case 'teredo':
      return [ipv4At(bytes, 4), ipv4At(bytes, 12, true)];
  }
  // IPv4-compatible (deprecated, RFC 4291): 96 zero bits, then the address. :: and ::1 have their own ranges.
  const isCompatible = bytes.slice(0, 12).every((byte) => byte === 0) && address.range() === 'unicast';
  return isCompatible ? [ipv4At(bytes, 12)] : undefined;
}

function isReservedIPv4(address: IPv4): boolean {
  return address.range() !== 'unicast';
}

function isReservedIPv6(address: IPv6): boolean {
  // A zone id only makes sense on a link; a global address never needs one.
  if (address.zoneId !== undefined) return true;
  if (address.match(LOCAL_USE_NAT64)) return true;
  const embedded = embeddedIPv4(address);
  if (embedded) return embedded.some(isReservedIPv4);
  return address.range() !== 'unicast' || !address.match(GLOBAL_UNICAST);
}

/**
 * Whether the gateway must refuse to connect to this address. Anything that is not an IP address
 * (brackets, a trailing dot, a host name) counts as reserved: the check fails closed. IPv4 in the
 * shorthand forms inet_aton accepts (127.1, 0x7f.1, 2130706433, octal) is read as the OS would read it.
 */
export function isReservedAddress(text: string): boolean {
  let address: IPv4 | IPv6;
  try {
    address = ipaddr.parse(text);
  } catch {
    return true;
  }
  return address.kind() === 'ipv4' ? isReservedIPv4(address as IPv4) : isReservedIPv6(address as IPv6);
}
