// The real Baileys wiring (the one file the fake stands in for), pointed at a local WebSocket server that
// hangs up: no test reaches WhatsApp. It checks what the fake cannot: that Baileys loads, that a new
// session's credentials are written to our store before the socket is used, that a closed connection
// reaches the channel's events with its reason, that received media is fetched from WhatsApp only, and
// that it is read within its size and time limits.
import { createServer } from 'node:http';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { createBaileysClientFactory, type WaAuthStore, type WaClose } from '../src/channels/whatsapp-web/index.js';
import { readLimited } from '../src/channels/whatsapp-web/baileys-client.js';
import { waitUntil } from './support/agents.js';

let server: WebSocketServer | undefined;
afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = undefined;
});

function memoryAuthStore(): WaAuthStore & { creds: string | undefined; keys: Map<string, string> } {
  const store = {
    creds: undefined as string | undefined,
    keys: new Map<string, string>(),
    readCreds: async () => store.creds,
    writeCreds: async (json: string) => void (store.creds = json),
    readKeys: async (type: string, ids: readonly string[]) => new Map(ids.filter((id) => store.keys.has(`${type}/${id}`)).map((id) => [id, store.keys.get(`${type}/${id}`)!])),
    writeKeys: async (changes: { type: string; id: string; value: string | null }[]) => {
      for (const { type, id, value } of changes) value === null ? store.keys.delete(`${type}/${id}`) : store.keys.set(`${type}/${id}`, value);
    },
  };
  return store;
}

describe('Baileys client (real library, local server)', () => {
  it('writes fresh credentials before opening, and reports a connection the server hangs up on', async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server!.once('listening', resolve));
    let connections = 0;
    server.on('connection', (socket) => {
      connections += 1;
      socket.terminate();
    });
    const port = (server.address() as { port: number }).port;
    const auth = memoryAuthStore();
    const closes: WaClose[] = [];
    const qrs: string[] = [];
    const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };
    const factory = createBaileysClientFactory({ webSocketUrl: `ws://127.0.0.1:${port}/ws/chat`, version: [2, 3000, 1] });
    const client = await factory.open({
      auth,
      events: { onQr: (qr) => qrs.push(qr), onOpen: () => undefined, onClose: (close) => closes.push(close), onMessages: () => undefined, onAcks: () => undefined, onGroupParticipants: () => undefined, onGroupsUpdate: () => undefined },
      logger: quiet,
      sentText: async () => undefined,
    });
    try {
      expect(client.version).toBe('2.3000.1');
      const creds = JSON.parse(auth.creds ?? '{}') as { registered?: boolean; noiseKey?: unknown; signedIdentityKey?: unknown };
      expect(creds).toMatchObject({ registered: false, noiseKey: expect.any(Object), signedIdentityKey: expect.any(Object) });
      await waitUntil(() => closes.length > 0);
      expect(connections).toBe(1);
      expect(closes[0]).toMatchObject({ isLoggedOut: false, isRestartRequired: false });
      expect(closes[0]!.reason).not.toBe('');
      expect(qrs).toEqual([]);
      await client.credentialsSaved();
      // A crafted message naming its own media host gets no download (no request leaves for it).
      const mediaServer = createServer((_request, response) => response.end('not media'));
      let mediaRequests = 0;
      mediaServer.on('request', () => (mediaRequests += 1));
      await new Promise<void>((resolve) => mediaServer.listen(0, '127.0.0.1', resolve));
      try {
        const url = `http://127.0.0.1:${(mediaServer.address() as { port: number }).port}/media`;
        const crafted = { key: { remoteJid: '15550001111@s.whatsapp.net', id: 'X1' }, message: { imageMessage: { url, mediaKey: 'AAAA', mimetype: 'image/png' } } };
        await expect(client.download(crafted, { maxBytes: 1024, timeoutMs: 1000 })).rejects.toThrow(/not WhatsApp's/);
        expect(mediaRequests).toBe(0);
      } finally {
        await new Promise((resolve) => mediaServer.close(resolve));
      }
    } finally {
      client.close();
    }
  });

  it('reads received media within its limits: size counted as it streams, time from the request on', async () => {
    const limits = { maxBytes: 10, timeoutMs: 200 };
    const never = new Promise<never>(() => undefined);
    await expect(readLimited(Promise.resolve(Readable.from([Buffer.from('12345'), Buffer.from('678')])), limits)).resolves.toEqual(Buffer.from('12345678'));
    await expect(readLimited(Promise.resolve(Readable.from([Buffer.from('123456'), Buffer.from('789012')])), limits)).rejects.toThrow('media larger than 10 bytes');
    await expect(readLimited(never, limits)).rejects.toThrow('not complete within 200 ms');
    const dripping = new Readable({ read() {} });
    dripping.push(Buffer.from('1'));
    await expect(readLimited(Promise.resolve(dripping), limits)).rejects.toThrow('not complete within 200 ms');
    expect(dripping.destroyed).toBe(true);
    // A stream that arrives after the time is up is destroyed unread.
    const late = new Readable({ read() {} });
    await expect(readLimited(new Promise((resolve) => setTimeout(() => resolve(late), 300)), limits)).rejects.toThrow('not complete');
    await waitUntil(() => late.destroyed);
  });
});
