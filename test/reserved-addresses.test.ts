// Every form of a private or reserved address the URL policy must refuse — IPv4 shorthands, IPv6
// translation forms hiding an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo), documentation
// ranges, zone ids — and public addresses it must still allow; the connect-time guard uses the same check.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UrlPolicy } from '../src/core/index.js';
import { createWebhookPoster, isReservedAddress } from '../src/dispatch/index.js';

const names = new Map<string, string[]>([
  ['public.test', ['93.184.215.14']],
  ['public6.test', ['2606:4700:4700::1111']],
  ['loopback.test', ['127.0.0.1']],
  ['mixed.test', ['93.184.215.14', '10.0.0.1']],
  ['compat.test', ['::7f00:1']],
  ['nat64.test', ['64:ff9b::a9fe:a9fe']],
  ['doc.test', ['192.0.2.10']],
]);
const policy = new UrlPolicy({
  allowPrivate: false,
  isReserved: isReservedAddress,
  resolve: async (host) => {
    const found = names.get(host);
    if (!found) throw new Error('ENOTFOUND');
    return found;
  },
});

describe('the URL policy', () => {
  it.each([
    // IPv4 in the shorthands the URL parser (like inet_aton) reads as 127.0.0.1, and trailing dots
    'http://127.0.0.1/',
    'http://127.1/',
    'http://127.0.1/',
    'http://2130706433/',
    'http://0x7f000001/',
    'http://0x7f.0.0.1/',
    'http://0x7F.1/',
    'http://0177.0.0.1/',
    'http://017700000001/',
    'http://127.0.0.1./',
    'http://127.255.255.254:8080/x',
    // the other special-purpose IPv4 ranges
    'http://0/',
    'http://0.0.0.0/',
    'http://10.1.2.3/',
    'http://172.16.0.1/',
    'http://172.31.255.255/',
    'http://192.168.1.1/',
    'http://100.64.0.1/',
    'http://169.254.169.254/latest/meta-data',
    'http://192.0.0.8/',
    'http://192.0.2.1/',
    'http://198.51.100.7/',
    'http://203.0.113.9/',
    'http://198.18.0.1/',
    'http://192.88.99.1/',
    'http://224.0.0.1/',
    'http://239.255.255.250/',
    'http://240.0.0.1/',
    'http://255.255.255.255/',
    // IPv6 loopback and unspecified in every spelling
    'http://[::1]/',
    'http://[0:0:0:0:0:0:0:1]/',
    'http://[::]/',
    // IPv4-mapped, RFC 6145 and IPv4-compatible forms of private addresses
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]/',
    'http://[::ffff:10.0.0.1]/',
    'http://[::ffff:169.254.169.254]/',
    'http://[::ffff:0:127.0.0.1]/',
    'http://[::127.0.0.1]/',
    'http://[::7f00:1]/',
    'http://[::10.0.0.1]/',
    'http://[::192.168.0.1]/',
    // NAT64 (well-known prefix, and RFC 8215's local-use prefix always)
    'http://[64:ff9b::127.0.0.1]/',
    'http://[64:ff9b::7f00:1]/',
    'http://[64:ff9b::192.168.0.1]/',
    'http://[64:ff9b::a9fe:a9fe]/',
    'http://[64:ff9b:1::7f00:1]/',
    'http://[64:ff9b:1::808:808]/',
    // 6to4 and Teredo carrying private IPv4 addresses
    'http://[2002:7f00:1::]/',
    'http://[2002:7f00:0001:0000::1]/',
    'http://[2002:c0a8:101::1]/',
    'http://[2002:a00:1::]/',
    'http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/',
    'http://[2001:0:a00:1::]/',
    // IPv6 special-purpose and unallocated ranges
    'http://[2001:db8::1]/',
    'http://[2001:db8:ffff::1]/',
    'http://[3fff::1]/',
    'http://[fc00::1]/',
    'http://[fd12:3456::1]/',
    'http://[fe80::1]/',
    'http://[febf::1]/',
    'http://[fec0::1]/',
    'http://[ff02::1]/',
    'http://[ff0e::1]/',
    'http://[100::1]/',
    'http://[2001:2::1]/',
    'http://[5f00::1]/',
    'http://[4000::1]/',
    // names
    'http://localhost/',
    'http://LOCALHOST./',
    'http://api.localhost/',
    'http://loopback.test/',
    'http://mixed.test/',
    'http://compat.test/',
    'http://nat64.test/',
    'http://doc.test/',
  ])('refuses %s', async (url) => {
    expect(await policy.problem(url)).toMatch(/private or reserved|loopback/);
  });

  it.each(['http://[fe80::1%25eth0]/', 'http://[::1%25lo]/', 'http://127.0.0.1%2f/', 'http://[::ffff:127.0.0.1/'])('refuses %s as no URL at all', async (url) => {
    expect(await policy.problem(url)).toBeDefined();
  });

  it.each([
    'http://93.184.215.14/',
    'https://8.8.8.8/hook',
    'http://[2606:4700:4700::1111]/',
    'http://[::ffff:8.8.8.8]/',
    'http://[64:ff9b::8.8.8.8]/',
    'http://[2002:808:808::1]/',
    'http://[2001:0:4136:e378:8000:63bf:f7f7:f7f7]/',
    'http://public.test/',
    'http://public6.test:8443/x',
  ])('allows %s', async (url) => {
    expect(await policy.problem(url)).toBeUndefined();
  });
});

describe('isReservedAddress on what DNS or a connection may give', () => {
  it.each(['127.0.0.1', '::ffff:127.0.0.1', '::127.0.0.1', '0x7f.1', '2130706433', '', ' ', 'not-an-ip', '1.2.3.4.', '[::1]', 'fe80::1%eth0', '2606:4700:4700::1111%eth0', '127.1', '256.0.0.1', '::ffff:999.0.0.1'])(
    'counts %j as reserved',
    (address) => {
      expect(isReservedAddress(address)).toBe(true);
    },
  );

  it.each(['8.8.8.8', '93.184.215.14', '2606:4700:4700::1111', '::ffff:8.8.8.8', '64:ff9b::808:808'])('counts %s as public', (address) => {
    expect(isReservedAddress(address)).toBe(false);
  });
});

describe('the connect-time guard', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((_request, response) => response.end('reached'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([['::7f00:1'], ['64:ff9b::7f00:1'], ['2002:7f00:1::'], ['::ffff:127.0.0.1']])('refuses a name that resolves to %s when the connection is made', async (address) => {
    const poster = createWebhookPoster({ connections: 1, allowPrivate: false, resolve: async () => [address] });
    try {
      await expect(
        poster.post({ url: `http://rebound.test:${port}/x`, body: '{}', headers: {}, timeoutMs: 2000, signal: new AbortController().signal, checkRedirect: async () => undefined } as never),
      ).rejects.toThrow(/private or reserved address/);
    } finally {
      await poster.close();
    }
  });
});
