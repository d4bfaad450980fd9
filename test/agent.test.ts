// The reference bridge agent against a real local WebSocket server playing the gateway: hello, welcome,
// sends and deduplication, heartbeat, inbound until acked, commands, refusals, reconnects, and the CLI.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { AgentRefusedError, BridgeAgent, bridgeUrl, type AgentEvent, type BridgeAgentOptions } from '../src/agent/index.js';
import { ReconnectBackoff } from '../src/agent/reconnect-backoff.js';
import { INBOUND_WINDOW } from '../src/agent/inbound-outbox.js';
import type { DriverHost } from '../src/agent/driver.js';
import { buildCli, type BuiltCli } from './support/built-cli.js';
import { parseCallOutcome } from '../src/cli/commands/call-outcome-option.js';
import { parseDeviceFrame, type DeviceFrame, type HelloFrame } from '../src/bridge/frames.js';

const WAIT = { timeout: 10_000, interval: 20 };
type Received = DeviceFrame & { conn: number };

function welcome(hello: HelloFrame, conn: number, heartbeatMs = 60_000): object {
  const base = { type: 'welcome', v: 1, device_id: hello.device_id, device_token: `token-${conn}`, project_id: '7', delay_ms: hello.delay_ms ?? 0 };
  return { ...base, heartbeat_ms: heartbeatMs, message_queue_paused: false, call_queue_paused: false };
}

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A WebSocket server on port 0 that checks every device frame with the protocol's own parser. */
async function startGateway(answerHello: (hello: HelloFrame, conn: number) => object = welcome) {
  const server = new WebSocketServer({ port: 0, path: '/bridge/v1' });
  await once(server, 'listening');
  const sockets: WebSocket[] = [];
  const received: Received[] = [];
  const problems: string[] = [];
  server.on('connection', (socket) => {
    const conn = sockets.push(socket) - 1;
    socket.on('message', (data) => {
      const parsed = parseDeviceFrame(data as Buffer);
      if ('problem' in parsed) return void problems.push(parsed.problem.detail);
      received.push({ ...parsed.frame, conn });
      if (parsed.frame.type === 'hello') socket.send(JSON.stringify(answerHello(parsed.frame, conn)));
    });
  });
  cleanups.push(async () => {
    expect(problems).toEqual([]);
    for (const socket of sockets) socket.terminate();
    await new Promise((resolve) => server.close(resolve));
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    sockets,
    frames: <T extends DeviceFrame['type']>(type: T, conn?: number) =>
      received.filter((frame) => frame.type === type && (conn === undefined || frame.conn === conn)) as (Extract<DeviceFrame, { type: T }> & { conn: number })[],
    send: (frame: object, conn = sockets.length - 1) => sockets[conn]!.send(JSON.stringify(frame)),
  };
}
type Gateway = Awaited<ReturnType<typeof startGateway>>;

function newAgent(gateway: Gateway, options: Partial<BridgeAgentOptions> = {}) {
  const events: AgentEvent[] = [];
  const agent = new BridgeAgent({ serverUrl: gateway.url, licenseKey: 'lic-1', deviceId: 'phone-1', delayMs: 0, onEvent: (event) => events.push(event), ...options });
  cleanups.push(() => agent.stop());
  const named = <T extends AgentEvent['event']>(name: T) => events.filter((event) => event.event === name) as Extract<AgentEvent, { event: T }>[];
  return { agent, events, named };
}

const send = (msgId: string) => ({ type: 'send', msg_id: msgId, application: 1, number: '15551234567', kind: 'text', text: `hello ${msgId}`, media_url: '', media_hash: '', file_name: '', priority: 0 });

describe('bridge agent', () => {
  it('derives the bridge URL from the server URL', () => {
    expect(bridgeUrl('http://host:8080')).toBe('ws://host:8080/bridge/v1');
    expect(bridgeUrl('https://example.com/sb/')).toBe('wss://example.com/sb/bridge/v1');
    expect(bridgeUrl('ws://host:9/bridge/v1')).toBe('ws://host:9/bridge/v1');
    expect(() => bridgeUrl('ftp://host')).toThrow(/http\(s\) or ws\(s\)/);
  });

  it('backs off exponentially with jitter, up to the maximum, and starts over after a session', () => {
    const backoff = new ReconnectBackoff({ initialMs: 100, maxMs: 5_000, jitter: 0.5 }, () => 0);
    expect(Array.from({ length: 8 }, () => backoff.nextDelayMs())).toEqual([100, 200, 400, 800, 1600, 3200, 5000, 5000]);
    backoff.reset();
    expect(new ReconnectBackoff({ initialMs: 100, maxMs: 5_000, jitter: 0.5 }, () => 1).nextDelayMs()).toBe(50);
  });

  it('says hello, is welcomed, sends, reports and deduplicates', async () => {
    const gateway = await startGateway();
    const { agent, named } = newAgent(gateway, { delayMs: 2500, applications: [1, 3], phoneName: 'Lab phone' });
    await agent.start();
    expect(gateway.frames('hello')[0]).toMatchObject({ v: 2, license_key: 'lic-1', device_id: 'phone-1', phone_name: 'Lab phone', applications: [1, 3], delay_ms: 2500 });
    expect(named('ready')).toEqual([{ event: 'ready', device_id: 'phone-1', project_id: '7' }]);
    gateway.send(send('41'));
    await vi.waitFor(() => expect(gateway.frames('delivered')).toHaveLength(1), WAIT);
    expect(gateway.frames('ack').map((f) => f.msg_id)).toEqual(['41']);
    expect(gateway.frames('sent').map((f) => f.msg_id)).toEqual(['41']);
    expect(named('message')).toMatchObject([{ msg_id: '41', application: 1, number: '15551234567', text: 'hello 41', media_url: '' }]);
    // Sent again (at least once): re-reported, not sent to the phone again.
    gateway.send(send('41'));
    await vi.waitFor(() => expect(gateway.frames('delivered')).toHaveLength(2), WAIT);
    expect(gateway.frames('sent')).toHaveLength(2);
    expect(gateway.frames('ack')).toHaveLength(1);
    expect(named('message')).toHaveLength(1);
  });

  it('sends a status at once, every heartbeat_ms, and when the status changes', async () => {
    const gateway = await startGateway((hello, conn) => welcome(hello, conn, 1000));
    const { agent } = newAgent(gateway);
    await agent.start();
    await vi.waitFor(() => expect(gateway.frames('status').length).toBeGreaterThanOrEqual(3), WAIT);
    expect(gateway.frames('status')[0]).toMatchObject({ battery: 100, internet: 'WIFI', queue_messages: 0, queue_calls: 0 });
    agent.setStatus({ battery: 42, charging: false, queue_calls: 3 });
    await vi.waitFor(() => expect(gateway.frames('status').at(-1)).toMatchObject({ battery: 42, charging: false, wifi: 100, queue_calls: 3 }), WAIT);
    expect(() => agent.setStatus({ battery: 200 })).toThrow(/invalid status/);
  });

  it('resends an inbound message after reconnects until the gateway acks it', async () => {
    const gateway = await startGateway();
    const { agent, named } = newAgent(gateway);
    await agent.start();
    const id = agent.injectInbound({ number: '15550001111', text: 'hi', type: 1, application: 1, name: 'Ann', quoted_msg_id: '41' });
    await vi.waitFor(() => expect(gateway.frames('inbound', 0)).toHaveLength(1), WAIT);
    expect(gateway.frames('inbound', 0)[0]).toMatchObject({ id, number: '15550001111', text: 'hi', msg_type: 1, application: 1, name: 'Ann', quoted_msg_id: '41' });
    gateway.sockets[0]!.terminate();
    await vi.waitFor(() => expect(gateway.frames('inbound', 1)).toMatchObject([{ id }]), WAIT);
    expect(gateway.frames('hello', 1)[0]).toMatchObject({ device_token: 'token-0' });
    expect(gateway.frames('hello', 1)[0]).not.toHaveProperty('license_key');
    gateway.send({ type: 'inbound_ack', id }, 1);
    await vi.waitFor(() => expect(named('inbound_acked')).toEqual([{ event: 'inbound_acked', id }]), WAIT);
    gateway.sockets[1]!.terminate();
    await vi.waitFor(() => expect(gateway.frames('status', 2)).toHaveLength(1), WAIT);
    expect(gateway.frames('inbound', 2)).toEqual([]);
    expect(named('disconnected')).toHaveLength(2);
    expect(named('ready')).toHaveLength(3);
    expect(() => agent.injectInbound({ number: '', type: 1, application: 1 })).toThrow(/invalid inbound/);
  });

  it("sends a driver's message under its stable id once while unacked, and tells the driver when it is stored", async () => {
    const gateway = await startGateway();
    let host: DriverHost | undefined;
    const { agent } = newAgent(gateway, { driver: (given) => ((host = given), { name: 'recording', send: () => undefined, close: () => undefined }) });
    await agent.start();
    const stored: string[] = [];
    const input = { number: '15550001111', text: 'from the SIM', type: 1, application: 3 };
    void host!.received(input, 'sms-1').then(() => stored.push('first'));
    // The same message read again before the ack (listed and announced at once): no second frame.
    void host!.received(input, 'sms-1').then(() => stored.push('again'));
    await vi.waitFor(() => expect(gateway.frames('inbound')).toMatchObject([{ id: 'sms-1', text: 'from the SIM' }]), WAIT);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(gateway.frames('inbound')).toHaveLength(1);
    expect(stored).toEqual([]);
    gateway.send({ type: 'inbound_ack', id: 'sms-1' });
    await vi.waitFor(() => expect(stored).toEqual(['first', 'again']), WAIT);
    // Read again after it was stored (its deletion from the SIM failed): sent again under the same id.
    void host!.received(input, 'sms-1');
    await vi.waitFor(() => expect(gateway.frames('inbound').map((frame) => frame.id)).toEqual(['sms-1', 'sms-1']), WAIT);
  });

  it('keeps at most a window of inbound messages unacknowledged on the wire', async () => {
    const gateway = await startGateway();
    const { agent } = newAgent(gateway);
    await agent.start();
    const ids = Array.from({ length: INBOUND_WINDOW + 100 }, (_, i) => agent.injectInbound({ number: '15550001111', text: `m${i}`, type: 1, application: 1 }));
    await vi.waitFor(() => expect(gateway.frames('inbound')).toHaveLength(INBOUND_WINDOW), WAIT);
    gateway.send({ type: 'inbound_ack', id: ids[0] });
    gateway.send({ type: 'inbound_ack', id: ids[1] });
    await vi.waitFor(() => expect(gateway.frames('inbound')).toHaveLength(INBOUND_WINDOW + 2), WAIT);
    expect(gateway.frames('inbound').map((frame) => frame.id)).toEqual(ids.slice(0, INBOUND_WINDOW + 2));
  });

  it('resends the newest delivery report of a message after reconnects until the gateway acks it', async () => {
    const gateway = await startGateway();
    const { agent } = newAgent(gateway);
    await agent.start();
    gateway.send(send('51'));
    await vi.waitFor(() => expect(gateway.frames('delivered', 0)).toHaveLength(1), WAIT);
    gateway.send({ type: 'report_ack', msg_id: '51', report: 'sent' }, 0);
    await vi.waitFor(() => expect(agent.state.unackedReports).toBe(1), WAIT);
    gateway.sockets[0]!.terminate();
    await vi.waitFor(() => expect(gateway.frames('delivered', 1)).toMatchObject([{ msg_id: '51' }]), WAIT);
    expect(gateway.frames('sent', 1)).toEqual([]);
    gateway.send({ type: 'report_ack', msg_id: '51', report: 'delivered' }, 1);
    await vi.waitFor(() => expect(agent.state.unackedReports).toBe(0), WAIT);
    gateway.sockets[1]!.terminate();
    await vi.waitFor(() => expect(gateway.frames('status', 2)).toHaveLength(1), WAIT);
    expect(gateway.frames('delivered', 2)).toEqual([]);
  });

  it('obeys restart, reset, and the queue commands, answering each', async () => {
    const gateway = await startGateway();
    const { agent, named } = newAgent(gateway);
    await agent.start();
    gateway.send({ type: 'command', command_id: 'c1', command: 'restart' });
    await vi.waitFor(() => expect(gateway.frames('hello', 1)).toHaveLength(1), WAIT);
    expect(gateway.frames('command_result', 0)).toMatchObject([{ command_id: 'c1', ok: true }]);
    expect(named('command')).toEqual([{ event: 'command', command: 'restart', command_id: 'c1' }]);

    await vi.waitFor(() => expect(named('ready')).toHaveLength(2), WAIT);
    gateway.send(send('7'));
    gateway.send({ type: 'command', command_id: 'c2', command: 'reset' });
    await vi.waitFor(() => expect(gateway.frames('command_result')).toHaveLength(2), WAIT);
    gateway.send(send('7'));
    await vi.waitFor(() => expect(named('message')).toHaveLength(2), WAIT);

    gateway.send({ type: 'command', command_id: 'c3', command: 'stop-message-queue' });
    gateway.send(send('8'));
    await vi.waitFor(() => expect(gateway.frames('ack').map((f) => f.msg_id)).toContain('8'), WAIT);
    expect(agent.state.isMessageQueuePaused).toBe(true);
    agent.setStatus({});
    await vi.waitFor(() => expect(gateway.frames('status').at(-1)).toMatchObject({ queue_messages: 1 }), WAIT);
    expect(gateway.frames('sent').map((f) => f.msg_id)).not.toContain('8');
    gateway.send({ type: 'command', command_id: 'c4', command: 'resume-message-queue' });
    await vi.waitFor(() => expect(gateway.frames('sent').map((f) => f.msg_id)).toContain('8'), WAIT);

    gateway.send({ type: 'command', command_id: 'c5', command: 'stop-message-queue' });
    gateway.send(send('9'));
    gateway.send({ type: 'command', command_id: 'c6', command: 'delete-message-queue' });
    await vi.waitFor(() => expect(gateway.frames('failed')).toMatchObject([{ msg_id: '9', retryable: false }]), WAIT);
    expect(gateway.frames('command_result').every((result) => result.ok)).toBe(true);
  });

  it('reports gateway errors and ignores invalid frames', async () => {
    const gateway = await startGateway();
    const { agent, named } = newAgent(gateway);
    await agent.start();
    gateway.send({ type: 'error', reason: 'unknown_message', detail: 'msg 5' });
    gateway.send({ type: 'send', msg_id: 'x' });
    await vi.waitFor(() => expect(named('invalid_frame')).toHaveLength(1), WAIT);
    expect(named('protocol_error')).toEqual([{ event: 'protocol_error', reason: 'unknown_message', detail: 'msg 5' }]);
  });

  it('stops for good when refused with bad_license', async () => {
    const gateway = await startGateway(() => ({ type: 'refused', reason: 'bad_license', detail: 'unknown key' }));
    const { agent, named } = newAgent(gateway);
    await expect(agent.start()).rejects.toBeInstanceOf(AgentRefusedError);
    expect(await agent.whenEnded()).toEqual({ refusal: { reason: 'bad_license', detail: 'unknown key' } });
    expect(named('refused')).toEqual([{ event: 'refused', reason: 'bad_license', detail: 'unknown key' }]);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(gateway.sockets).toHaveLength(1);
  });
});

describe('switchboard agent (CLI)', () => {
  let cli: BuiltCli;
  beforeAll(async () => {
    cli = await buildCli();
  }, 120_000);
  afterAll(() => cli.remove());

  function runAgent(...args: string[]): { child: ChildProcess; lines: Record<string, unknown>[]; stderr: string[] } {
    const child = spawn(process.execPath, [cli.bin, 'agent', ...args], { env: { ...process.env, LOG_LEVEL: 'warn' } });
    const lines: Record<string, unknown>[] = [];
    const stderr: string[] = [];
    let rest = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      const parts = (rest + chunk.toString('utf8')).split('\n');
      rest = parts.pop()!;
      for (const line of parts) lines.push(JSON.parse(line));
    });
    child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
    });
    return { child, lines, stderr };
  }

  it('writes events as JSON lines and takes inbound and status lines on stdin', async () => {
    const gateway = await startGateway();
    const { child, lines } = runAgent('--server', gateway.url, '--license', 'k', '--delay-ms', '0', '--device-id', 'cli-phone');
    await vi.waitFor(() => expect(lines).toContainEqual({ event: 'ready', device_id: 'cli-phone', project_id: '7' }), WAIT);
    child.stdin!.write('{"inbound":{"number":"15550002222","text":"from stdin","type":1,"application":3}}\nnot json\n{"status":{"battery":55}}\n');
    await vi.waitFor(() => expect(gateway.frames('inbound')).toMatchObject([{ number: '15550002222', text: 'from stdin', msg_type: 1, application: 3 }]), WAIT);
    await vi.waitFor(() => expect(gateway.frames('status').at(-1)).toMatchObject({ battery: 55 }), WAIT);
    expect(lines.find((line) => line.event === 'input_error')?.detail).toMatch(/not JSON/);
    gateway.send(send('12'));
    await vi.waitFor(() => expect(lines).toContainEqual(expect.objectContaining({ event: 'message', msg_id: '12', text: 'hello 12' })), WAIT);
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    expect(lines.every((line) => typeof line.event === 'string')).toBe(true);
  });

  it('rejects bad options with exit code 2 and takes a pairing URI', async () => {
    const bad = runAgent('--server', 'http://127.0.0.1:1', '--license', 'k', '--applications', '1,9');
    expect((await once(bad.child, 'exit'))[0]).toBe(2);
    expect(bad.stderr.join('')).toMatch(/--applications/);
    const badOutcome = runAgent('--server', 'http://127.0.0.1:1', '--license', 'k', '--call-outcome', 'answer:soon');
    expect((await once(badOutcome.child, 'exit'))[0]).toBe(2);
    expect(badOutcome.stderr.join('')).toMatch(/--call-outcome: "soon"/);
    const gateway = await startGateway();
    const paired = runAgent('--pair', `switchboard://pair?server=${encodeURIComponent(gateway.url)}&license=qr-key`);
    await vi.waitFor(() => expect(gateway.frames('hello')).toMatchObject([{ license_key: 'qr-key', delay_ms: 10_000, applications: [1, 2, 3] }]), WAIT);
    await vi.waitFor(() => expect(paired.lines.some((line) => line.event === 'ready')).toBe(true), WAIT);
  });
});

describe('--call-outcome', () => {
  it('gives a default rule and rules per number', () => {
    const choose = parseCallOutcome('answer:2:30,15551234567=busy,15557654321=no-answer:20,15550000000=no-answer')!;
    expect(choose('15559999999')).toEqual({ outcome: 'answer', answerAfterS: 2, talkS: 30 });
    expect(choose('15551234567')).toEqual({ outcome: 'busy' });
    expect(choose('15557654321')).toEqual({ outcome: 'no_answer', ringS: 20 });
    expect(choose('15550000000')).toEqual({ outcome: 'no_answer' });
    expect(parseCallOutcome('15551234567=busy')!('15550001111')).toEqual({ outcome: 'answer', answerAfterS: 1, talkS: 5 });
    expect(parseCallOutcome(undefined)).toBeUndefined();
  });

  it('refuses what it cannot read, naming the part', () => {
    expect(() => parseCallOutcome('ring')).toThrow(/"ring" is not one of/);
    expect(() => parseCallOutcome('busy:3')).toThrow(/"busy:3"/);
    expect(() => parseCallOutcome('answer:1:-5')).toThrow(/"-5" is not a whole number/);
    expect(() => parseCallOutcome('answer:1:90000')).toThrow(/up to 86400/);
    expect(() => parseCallOutcome('+1555=busy')).toThrow(/"\+1555" is not a number/);
  });
});
