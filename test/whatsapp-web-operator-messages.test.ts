// What the WhatsApp Web QR and pairing-code APIs, and the CLI's channel commands, tell an operator when no
// code can be given: the real cause (WhatsApp unreachable, still connecting, another node) and a true hint.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway } from '../src/app/index.js';
import { main } from '../src/cli/main.js';
import { loadConfig } from '../src/config/index.js';
import { startWebSuite, type WebSuite } from './support/whatsapp-web.js';

const UNREACHABLE = 'WebSocket Error (getaddrinfo ENOTFOUND web.whatsapp.com)';

describe('whatsapp-qr and whatsapp-pairing-code without a code', () => {
  let s: WebSuite;
  afterEach(() => s.close());

  it('answers 404 with the cause in detail, and keeps last_error, when WhatsApp cannot be reached', async () => {
    s = await startWebSuite();
    s.whatsapp.connectError = UNREACHABLE;
    const qr = await s.post('whatsapp-qr', {});
    expect(qr).toMatchObject({ status: 404, message: 'Unable to Communicate with Your Phone !', session_status: 'UNPAIRED', qr_code: '', qr_code_base64: '', last_error: UNREACHABLE });
    expect(qr.detail).toBe(`no QR code: WhatsApp Web could not connect (${UNREACHABLE}); the next call tries again`);
    expect(qr.channel_id).toMatch(/^\d+$/);

    const code = await s.post('whatsapp-pairing-code', { number: '15557654321' });
    expect(code).toEqual({ status: 404, message: 'Unable to Communicate with Your Phone !', detail: `no pairing code: WhatsApp Web could not connect (${UNREACHABLE}); the next call tries again` });

    s.whatsapp.connectError = undefined;
    expect(await s.post('whatsapp-qr', {})).toMatchObject({ status: 100, message: 'Success', qr_code: expect.stringMatching(/^2@fake-qr-/) });
    expect(await s.post('whatsapp-pairing-code', { number: '15557654321' })).toMatchObject({ status: 100, pairing_code: 'PAIR-4321' });
  });

  it('says the session is still connecting when WhatsApp has not answered within the wait', async () => {
    s = await startWebSuite({ env: { SWITCHBOARD_WHATSAPP_WEB_QR_WAIT_MS: '100' } });
    s.whatsapp.isSilent = true;
    const qr = await s.post('whatsapp-qr', {});
    expect(qr).toMatchObject({ status: 404, qr_code: '', last_error: '', detail: 'no QR code within 100 ms: the session is still connecting to WhatsApp; call again' });
  });

  it('names the node that holds the session when another one does', async () => {
    s = await startWebSuite();
    const created = await s.g.t.post('pm/create-channel', { token: s.g.t.masterToken, project_id: s.g.t.projectId });
    const channelId = Number(created.channel_id);
    const store = s.g.t.gateway.storage.stores.whatsappWeb;
    const now = Date.now();
    await store.ensureSession(channelId, s.g.t.projectId, now);
    expect(await store.acquireLease(channelId, 'node-b', now + 60_000, now)).toBe(true);
    const detail = 'the session is open on another gateway node (node-b), and only the node that holds it can ask WhatsApp; call again (through that node)';
    expect(await s.post('whatsapp-qr', { channel_id: channelId })).toMatchObject({ status: 404, qr_code: '', detail: `no QR code: ${detail}` });
    expect(await s.post('whatsapp-pairing-code', { channel_id: channelId, number: '15557654321' })).toMatchObject({ status: 404, detail: `no pairing code: ${detail}` });
    expect(s.whatsapp.sockets).toHaveLength(0);
  });

  it('still answers 100 with an empty code once paired', async () => {
    s = await startWebSuite();
    await s.pair();
    const qr = await s.post('whatsapp-qr', {});
    expect(qr).toMatchObject({ status: 100, message: 'Success', session_status: 'CONNECTED', qr_code: '' });
    expect(qr.detail).toBeUndefined();
  });
});

describe('CLI channel hints', () => {
  it('tell what starts a session and why no QR code shows, as the code behaves', async () => {
    const env = { SWITCHBOARD_DATA_DIR: mkdtempSync(join(tmpdir(), 'sb-hints-')), LOG_LEVEL: 'silent', SWITCHBOARD_MASTER_TOKEN: 'cli-master-token-0123456789' };
    const run = async (...args: string[]) => {
      const out: string[] = [];
      const code = await main(args, env, { stdout: (text) => out.push(text), stderr: () => undefined });
      return { code, out: out.join('\n') };
    };
    const created = await run('channel', 'create', '--project', '1');
    expect(created.code).toBe(0);
    const channelId = /^channel (\d+) created/m.exec(created.out)![1]!;
    // No longer the untrue "pair it with channel qr": that command reads a code, it starts nothing.
    expect(created.out).toContain(`with \`switchboard serve\` running, call whatsapp-qr with a project API token and "channel_id": ${channelId}`);
    expect(created.out).toContain(`run \`switchboard channel qr --project 1 --channel ${channelId} --wait 30\` after that call`);

    const idle = await run('channel', 'qr', '--project', '1', '--channel', channelId);
    expect(idle.out).toContain('no QR code is showing: no running gateway has this session open.');

    // A gateway node holds the session (its lease is live) but WhatsApp has shown no code yet.
    const gateway = await createGateway({ config: loadConfig({ env }) });
    try {
      const store = gateway.storage.stores.whatsappWeb;
      await store.ensureSession(Number(channelId), 1, Date.now());
      await store.acquireLease(Number(channelId), 'node-a', Date.now() + 60_000, Date.now());
    } finally {
      await gateway.close();
    }
    const connecting = await run('channel', 'qr', '--project', '1', '--channel', channelId, '--wait', '1');
    expect(connecting.out).toContain('no QR code is showing after 1 s: gateway node node-a has the session open and it is still connecting to WhatsApp');
  });
});
