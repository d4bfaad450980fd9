// What an unauthenticated client or device can send over a real socket must never end the process or hold
// a connection for ever: cut-off multipart bodies, bodies that stall after the headers, broken WebSocket
// frames; and X-Forwarded-For speaks for the client only through the proxies the operator named.
import { createHash } from 'node:crypto';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestAgent, waitUntil } from './support/agents.js';
import { connectRawDevice, hello } from './support/raw-device.js';
import { startListeningGateway, type ListeningGateway } from './support/listening-gateway.js';
import { loadConfig } from '../src/config/index.js';
import { startTestGateway, type TestGateway } from './support/test-gateway.js';

/** Errors nobody handled: any one of them would have ended a real gateway process. */
const uncaught: unknown[] = [];
const recordUncaught = (error: unknown) => uncaught.push(error);
beforeAll(() => {
  process.on('uncaughtException', recordUncaught);
});
afterAll(() => {
  process.off('uncaughtException', recordUncaught);
});

interface RawExchange {
  /** Everything the server wrote before it closed the connection. */
  text: string;
  closed: boolean;
}

/**
 * Writes `head` (and `body`) on a fresh TCP connection, then waits (at most `waitMs`) for the server to
 * close it. A server that keeps the connection open past that answers `closed: false`.
 */
async function exchange(port: number, head: string, body: Buffer | string = '', waitMs = 15_000): Promise<RawExchange> {
  const socket: Socket = connect(port, '127.0.0.1');
  const chunks: Buffer[] = [];
  socket.on('data', (chunk) => chunks.push(chunk));
  socket.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.write(head);
  if (body.length > 0) socket.write(body);
  const closed = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), waitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  socket.destroy();
  return { text: Buffer.concat(chunks).toString('utf8'), closed };
}

/** The JSON body of the first HTTP answer in `text`. */
function answerOf(text: string): { httpStatus: number; body: Record<string, unknown> } {
  const [head = '', ...rest] = text.split('\r\n\r\n');
  return { httpStatus: Number(head.split(' ')[1]), body: JSON.parse(rest.join('\r\n\r\n')) as Record<string, unknown> };
}

function post(path: string, headers: Record<string, string>, body: Buffer): string {
  const lines = Object.entries({ host: 'localhost', connection: 'close', 'content-length': String(body.length), ...headers }).map(([name, value]) => `${name}: ${value}`);
  return `POST ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

/** A listening gateway for the suite that calls this: started before its tests, closed after them. */
function gatewayForSuite(env: Record<string, string> = {}): { g: ListeningGateway; port: number } {
  const suite = {} as { g: ListeningGateway; port: number };
  beforeAll(async () => {
    suite.g = await startListeningGateway(env);
    suite.port = Number(new URL(suite.g.url).port);
  });
  afterAll(() => suite.g.close());
  return suite;
}

describe('cut-off and broken multipart bodies over a real socket', { timeout: 20_000 }, () => {
  const suite = gatewayForSuite();

  it.each([
    ['cut off inside a file part', 'B', '--B\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhello'],
    ['cut off inside a plain field', 'B', '--B\r\nContent-Disposition: form-data; name="token"\r\n\r\nabc'],
    ['cut off inside the part headers', 'B', '--B\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/pl'],
    ['framed by another boundary than the header names', 'Z', '--B\r\nContent-Disposition: form-data; name="token"\r\n\r\nabc\r\n--B--\r\n'],
  ])('answers 410 to a body %s, and the gateway keeps serving', async (_case, boundary, text) => {
    const body = Buffer.from(text);
    const answer = await exchange(suite.port, post('/api/v2/check-balance', { 'content-type': `multipart/form-data; boundary=${boundary}` }, body), body);
    expect(answer.closed).toBe(true);
    expect(answerOf(answer.text)).toEqual({ httpStatus: 200, body: { status: 410, message: 'Invalid Request', detail: expect.stringContaining('multipart body cannot be read') } });
    expect(await suite.g.t.post('check-balance', { token: suite.g.t.apiToken })).toMatchObject({ status: 100 });
    // Let the parser's and the streams' late events run before looking.
    await new Promise((resolve) => setImmediate(resolve));
    expect(uncaught.splice(0)).toEqual([]);
  });
});

describe('requests that stall', { timeout: 20_000 }, () => {
  const suite = gatewayForSuite({ SWITCHBOARD_REQUEST_TIMEOUT_MS: '500' });

  it('closes a connection whose body stops after the headers, with a Picky 410 answer', async () => {
    const body = Buffer.from(JSON.stringify({ token: suite.g.t.apiToken }));
    // Announces the whole body, sends half of it, then sends nothing more: only the time limit can end it.
    const answer = await exchange(suite.port, post('/api/v2/check-balance', { 'content-type': 'application/json' }, body), body.subarray(0, body.length / 2));
    expect(answer.closed).toBe(true);
    expect(answerOf(answer.text)).toEqual({ httpStatus: 408, body: { status: 410, message: 'Invalid Request', detail: 'the request was not received whole within 500 ms' } });
  });

  it('closes a connection whose headers never end', async () => {
    const answer = await exchange(suite.port, 'POST /api/v2/check-balance HTTP/1.1\r\nhost: localhost\r\n');
    expect(answer.closed).toBe(true);
    expect(answerOf(answer.text).body).toMatchObject({ status: 410 });
  });

  it('survives clients that reset their connection halfway through a body, or send more than the limit', async () => {
    const body = Buffer.from(`--B\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n${'x'.repeat(64 * 1024)}`);
    for (const type of ['application/json', 'multipart/form-data; boundary=B']) {
      const socket = connect(suite.port, '127.0.0.1');
      socket.on('error', () => undefined);
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.write(post('/api/v2/check-balance', { 'content-type': type }, body));
      socket.write(body.subarray(0, body.length / 2));
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.resetAndDestroy();
    }
    const tooLarge = Buffer.alloc(40 * 1024 * 1024, 0x61);
    const answer = await exchange(suite.port, post('/api/v2/check-balance', { 'content-type': 'multipart/form-data; boundary=B' }, tooLarge), tooLarge);
    expect(answer.closed).toBe(true);
    expect(answerOf(answer.text).body).toMatchObject({ status: 410, detail: expect.stringContaining('larger than') });
    expect(await suite.g.t.post('check-balance', { token: suite.g.t.apiToken })).toMatchObject({ status: 100 });
    expect(uncaught.splice(0)).toEqual([]);
  });

  it('answers malformed HTTP in the Picky shape', async () => {
    const answer = await exchange(suite.port, 'BREW /pot HTTP/1.1\r\nhost: localhost\r\n\r\n');
    expect(answer.closed).toBe(true);
    expect(answerOf(answer.text)).toEqual({ httpStatus: 400, body: { status: 410, message: 'Invalid Request', detail: 'the request is not valid HTTP' } });
  });

  it('leaves an open device connection alone, however long it lasts', async () => {
    const phone = await connectRawDevice(suite.g.url);
    suite.g.track(() => phone.close());
    phone.send(hello(suite.g.licenseKey, 'long-lived'));
    await phone.next('welcome');
    // Well past the request time limit (and several of Node's checks of it), the socket still works.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    phone.send({ type: 'status', battery: 77 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(phone.socket.readyState).toBe(WebSocket.OPEN);
    const report = await suite.g.t.post('device-status', { token: suite.g.t.apiToken });
    expect(report.devices.find((d: { device_id: string }) => d.device_id === 'long-lived').battery_percentage).toBe('77');
  });
});

describe('requests Node or the router would answer outside the Picky shape', { timeout: 20_000 }, () => {
  const suite = gatewayForSuite();
  const balanceBody = () => Buffer.from(JSON.stringify({ token: suite.g.t.apiToken }));

  it('serves a request that asks to upgrade to something else than the device socket as plain HTTP', async () => {
    // What `curl --http2` sends to an http:// address: the body comes right after the head.
    const body = balanceBody();
    const h2c = `POST /api/v2/check-balance HTTP/1.1\r\nhost: localhost\r\nconnection: Upgrade, HTTP2-Settings, close\r\nupgrade: h2c\r\nhttp2-settings: AAMAAABkAARAAAAAAAIAAAAA\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n`;
    const answer = await exchange(suite.port, h2c, body);
    expect(answerOf(answer.text)).toEqual({ httpStatus: 200, body: { status: 100, message: 'Success', balance: expect.any(Number) } });
    const wrongPath = await exchange(suite.port, 'GET /not-the-bridge HTTP/1.1\r\nhost: localhost\r\nconnection: Upgrade, close\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n');
    expect(answerOf(wrongPath.text)).toEqual({ httpStatus: 404, body: { status: 410, message: 'Invalid Request', detail: 'no endpoint GET /not-the-bridge' } });
    expect(uncaught.splice(0)).toEqual([]);
  });

  it('keeps a connection served that way alive, and closes it when the gateway stops', async () => {
    const own = await startListeningGateway();
    const socket = connect(Number(new URL(own.url).port), '127.0.0.1');
    socket.on('error', () => undefined);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    const body = JSON.stringify({ token: own.t.apiToken });
    const request = (extra: string) => `POST /api/v2/check-balance HTTP/1.1\r\nhost: localhost\r\n${extra}content-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body}`;
    socket.write(request('connection: Upgrade, HTTP2-Settings\r\nupgrade: h2c\r\nhttp2-settings: AAMAAABkAARAAAAAAAIAAAAA\r\n'));
    await waitUntil(() => Buffer.concat(chunks).toString().includes('"status":100'));
    // The same connection takes a second, plain request.
    socket.write(request(''));
    await waitUntil(() => Buffer.concat(chunks).toString().split('"status":100').length === 3);
    await own.close();
    await closed;
    expect(uncaught.splice(0)).toEqual([]);
  });

  it('serves a request whose Expect it does not know', async () => {
    const body = balanceBody();
    const answer = await exchange(suite.port, post('/api/v2/check-balance', { 'content-type': 'application/json', expect: 'bogus' }, body), body);
    expect(answerOf(answer.text)).toMatchObject({ httpStatus: 200, body: { status: 100 } });
  });

  it('refuses a path that is not valid percent-encoding, or has a segment too long for any route, with status 410', async () => {
    const badEncoding = await exchange(suite.port, post('/api/v2/check-balance%ZZ', {}, Buffer.from('{}')), '{}');
    expect(answerOf(badEncoding.text)).toEqual({ httpStatus: 400, body: { status: 410, message: 'Invalid Request', detail: 'the request path is not valid percent-encoding' } });
    const longSegment = await exchange(suite.port, `GET /bridge/v1/media/${'1'.repeat(300)} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n`);
    expect(answerOf(longSegment.text)).toEqual({ httpStatus: 404, body: { status: 410, message: 'Invalid Request', detail: expect.stringContaining('longer than 100 characters') } });
  });
});

describe('hostile WebSocket traffic', { timeout: 20_000 }, () => {
  const suite = gatewayForSuite();

  const upgrade = (path: string) =>
    `GET ${path} HTTP/1.1\r\nhost: localhost\r\nconnection: Upgrade\r\nupgrade: websocket\r\nsec-websocket-version: 13\r\nsec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`;

  /** A client frame, masked as the protocol requires unless `isMasked` is false. */
  function frame(opcode: number, payload: Buffer, options: { isMasked?: boolean; isFinal?: boolean; rsv?: number } = {}): Buffer {
    const { isMasked = true, isFinal = true, rsv = 0 } = options;
    const length = payload.length < 126 ? Buffer.from([payload.length]) : Buffer.from([126, payload.length >> 8, payload.length & 0xff]);
    length[0]! |= isMasked ? 0x80 : 0;
    const mask = Buffer.from([1, 2, 3, 4]);
    const body = isMasked ? Buffer.from(payload.map((byte, index) => byte ^ mask[index % 4]!)) : payload;
    return Buffer.concat([Buffer.from([(isFinal ? 0x80 : 0) | rsv | opcode]), length, isMasked ? mask : Buffer.alloc(0), body]);
  }

  it.each([
    ['an unmasked frame', frame(1, Buffer.from('{}'), { isMasked: false })],
    ['reserved bits set', frame(1, Buffer.from('{}'), { rsv: 0x40 })],
    ['an unknown opcode', frame(3, Buffer.from('{}'))],
    ['invalid UTF-8 in a text frame', frame(1, Buffer.from([0xc3, 0x28]))],
    ['a fragmented control frame', frame(9, Buffer.from('x'), { isFinal: false })],
    ['a frame announcing more than the size limit', Buffer.from([0x81, 0xff, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff, 1, 2, 3, 4])],
    ['a close frame with an invalid code', frame(8, Buffer.from([0x03, 0xe7]))],
  ])('drops a connection that sends %s and keeps serving', async (_case, bytes) => {
    const answer = await exchange(suite.port, upgrade('/bridge/v1'), bytes);
    expect(answer.text).toMatch(/^HTTP\/1\.1 101 /);
    expect(answer.closed).toBe(true);
    const phone = await connectRawDevice(suite.g.url);
    suite.g.track(() => phone.close());
    phone.send(hello(suite.g.licenseKey, 'after-garbage'));
    await phone.next('welcome');
    expect(uncaught.splice(0)).toEqual([]);
  });

  it('survives a client that resets its connection during and after the upgrade', async () => {
    for (const path of ['/bridge/v1', '/not-the-bridge']) {
      const socket = connect(suite.port, '127.0.0.1');
      socket.on('error', () => undefined);
      await new Promise<void>((resolve) => socket.once('connect', resolve));
      socket.write(upgrade(path));
      socket.resetAndDestroy();
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await suite.g.t.post('check-balance', { token: suite.g.t.apiToken })).toMatchObject({ status: 100 });
    expect(uncaught.splice(0)).toEqual([]);
  });
});

describe('a hostile gateway, seen from the bridge agent', () => {
  /** A TCP server that completes every WebSocket handshake, then writes `reply` (broken frames) and waits. */
  async function brokenGateway(reply: Buffer): Promise<{ server: Server; sockets: Set<Socket>; url: string; connections: () => number }> {
    let connections = 0;
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      connections += 1;
      sockets.add(socket);
      socket.on('error', () => undefined);
      socket.once('data', (request) => {
        const key = /sec-websocket-key: *(\S+)/i.exec(request.toString('latin1'))?.[1] ?? '';
        const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
        socket.write(reply);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { server, sockets, url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, connections: () => connections };
  }

  it.each([
    ['a masked frame (only clients mask)', Buffer.from([0x81, 0x82, 1, 2, 3, 4, 0x7a, 0x7f])],
    ['a frame over the size limit', Buffer.from([0x81, 0x7f, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff])],
    ['invalid UTF-8 in a text frame', Buffer.from([0x81, 0x02, 0xc3, 0x28])],
    ['an unknown opcode', Buffer.from([0x83, 0x00])],
  ])('drops a connection that sends %s and connects again', async (_case, reply) => {
    const gateway = await brokenGateway(reply);
    const agent = createTestAgent({ serverUrl: gateway.url, licenseKey: 'lic-1', deviceId: 'phone-1', delayMs: 0 });
    try {
      // start() resolves at a welcome, which never comes here.
      void agent.agent.start().catch(() => undefined);
      await waitUntil(() => gateway.connections() >= 3);
    } finally {
      await agent.agent.stop();
      for (const socket of gateway.sockets) socket.destroy();
      await new Promise((resolve) => gateway.server.close(resolve));
    }
    expect(uncaught.splice(0)).toEqual([]);
  });
});

describe('SWITCHBOARD_TRUST_PROXY', () => {
  let t: TestGateway | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** An API token of the demo project usable only from `ip`. */
  async function tokenBoundTo(gateway: TestGateway, ip: string): Promise<string> {
    const created = await gateway.post('pm/create-api-token', { token: gateway.masterToken, project_id: gateway.projectId, ip_whitelist: [ip] });
    return (created.api_token as { token: string }[])[0]!.token;
  }

  const balance = (gateway: TestGateway, token: string, remoteAddress: string, forwardedFor?: string) =>
    gateway.post('check-balance', { token }, { remoteAddress, ...(forwardedFor ? { headers: { 'x-forwarded-for': forwardedFor } } : {}) });

  it('by default ignores X-Forwarded-For: an IP-bound token refuses a spoofed address', async () => {
    t = await startTestGateway();
    const token = await tokenBoundTo(t, '1.2.3.4');
    expect(await balance(t, token, '203.0.113.7', '1.2.3.4')).toMatchObject({ status: 401, detail: 'token is not allowed from 203.0.113.7' });
  });

  it('with one hop takes only the address the proxy appended, not what the client claimed before it', async () => {
    t = await startTestGateway({ env: { SWITCHBOARD_TRUST_PROXY: '1' } });
    const spoofed = await tokenBoundTo(t, '1.2.3.4');
    const real = await tokenBoundTo(t, '5.6.7.8');
    // The client sent "X-Forwarded-For: 1.2.3.4"; the proxy at 10.0.0.2 appended the address it saw.
    expect(await balance(t, spoofed, '10.0.0.2', '1.2.3.4, 5.6.7.8')).toMatchObject({ status: 401, detail: 'token is not allowed from 5.6.7.8' });
    expect(await balance(t, real, '10.0.0.2', '1.2.3.4, 5.6.7.8')).toMatchObject({ status: 100 });
  });

  it('with a list of proxies reads X-Forwarded-For only from them', async () => {
    t = await startTestGateway({ env: { SWITCHBOARD_TRUST_PROXY: '10.0.0.2, 192.168.7.0/24' } });
    const token = await tokenBoundTo(t, '1.2.3.4');
    expect(await balance(t, token, '10.0.0.2', '1.2.3.4')).toMatchObject({ status: 100 });
    expect(await balance(t, token, '192.168.7.9', '1.2.3.4')).toMatchObject({ status: 100 });
    // A client that reaches the gateway directly cannot name itself.
    expect(await balance(t, token, '203.0.113.7', '1.2.3.4')).toMatchObject({ status: 401, detail: 'token is not allowed from 203.0.113.7' });
    // Through a trusted proxy, an address the client put before the proxy's own entry is not believed either.
    expect(await balance(t, token, '10.0.0.2', '1.2.3.4, 203.0.113.7')).toMatchObject({ status: 401, detail: 'token is not allowed from 203.0.113.7' });
  });

  it('throttles the address the proxies vouch for, whatever the client claims', async () => {
    t = await startTestGateway({ env: { SWITCHBOARD_TRUST_PROXY: '1', SWITCHBOARD_AUTH_FAILURE_LIMIT: '3' } });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect(await balance(t, 'wrong', '10.0.0.2', `198.51.100.${attempt}, 203.0.113.7`)).toMatchObject({ status: 401 });
    }
    expect(await balance(t, t.apiToken, '10.0.0.2', '198.51.100.99, 203.0.113.7')).toMatchObject({ status: 429 });
  });
});

describe('SWITCHBOARD_TRUST_PROXY values', () => {
  const trustProxyOf = (text: string) => loadConfig({ env: { SWITCHBOARD_TRUST_PROXY: text } }).trustProxy;

  it('reads hops, lists of addresses and ranges, and off', () => {
    expect(trustProxyOf('2')).toBe(2);
    expect(trustProxyOf('10.0.0.5, 10.1.0.0/16,loopback, fd00::/8')).toEqual(['10.0.0.5', '10.1.0.0/16', 'loopback', 'fd00::/8']);
    expect(trustProxyOf('false')).toBe(0);
    expect(loadConfig({}).trustProxy).toBe(0);
  });

  it('refuses true, which trusted every hop, naming the forms that replace it', () => {
    expect(() => trustProxyOf('true')).toThrow(/SWITCHBOARD_TRUST_PROXY: 'true' is no longer accepted .*number of proxy hops.*CIDR/);
    expect(() => trustProxyOf('10.0.0.300')).toThrow(/'10.0.0.300' is not an IP address or CIDR range/);
    expect(() => trustProxyOf('10.0.0.0/33')).toThrow(/invalid prefix length/);
  });
});
