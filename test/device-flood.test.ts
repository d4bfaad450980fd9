// A device that sends work faster than the gateway can do it, over real sockets: its report moves waiting
// for the database are bounded (then its frames wait, and past the frame limit it is cut off), and a
// device that stops reading what the gateway writes stops being read.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WebSocketEndpoint, type DeviceSocket } from '../src/bridge/websocket-server.js';
import type { MoveRequest } from '../src/core/index.js';
import { createTestAgent, waitUntil } from './support/agents.js';
import { startListeningGateway, type ListeningGateway } from './support/listening-gateway.js';
import { connectRawDevice, hello } from './support/raw-device.js';

describe('a device sending faster than the gateway works', () => {
  let g: ListeningGateway;
  beforeEach(async () => {
    g = await startListeningGateway();
  });
  afterEach(() => g.close());

  it('has at most 1 000 of its report moves waiting for the database, and is cut off once its frames pile up', async () => {
    const device = await connectRawDevice(g.url);
    device.send(hello(g.licenseKey, 'flooder'));
    await device.next('welcome');
    expect((await g.t.post('push', { token: g.t.apiToken, application: 2, globalmessage: 'hi', data: [{ number: '15550001111' }] })).status).toBe(100);
    const { msg_id } = await device.next('send');

    // The database, as seen by the device's reports, stops committing until the gate opens.
    const messages = g.t.gateway.services.messages;
    const request = messages.request.bind(messages);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let queued = 0;
    messages.request = async (move: MoveRequest) => {
      queued += 1;
      await gate;
      return request(move);
    };

    const sent = JSON.stringify({ type: 'sent', msg_id });
    for (let index = 0; index < 1500; index += 1) device.sendRaw(sent);
    await waitUntil(() => queued >= 1000);
    // Frames keep arriving and wait; no more moves are queued while none commits.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(queued).toBe(1000);
    expect(device.socket.readyState).toBe(WebSocket.OPEN);
    open();
    await waitUntil(() => queued === 1500);
    await waitUntil(() => device.frames.filter((frame) => frame.type === 'report_ack').length === 1500);

    // The same with more frames than the gateway keeps waiting: the device is disconnected.
    let reopen!: () => void;
    const second = new Promise<void>((resolve) => (reopen = resolve));
    messages.request = async (move: MoveRequest) => {
      queued += 1;
      await second;
      return request(move);
    };
    for (let index = 0; index < 4000; index += 1) device.sendRaw(sent);
    const closed = await device.closed;
    expect(closed.code).toBe(1006);
    reopen();
    messages.request = request;
    // The others are served: a new device gets and reports a message.
    const other = await connectRawDevice(g.url);
    other.send(hello(g.licenseKey, 'honest'));
    await other.next('welcome');
    await g.t.post('push', { token: g.t.apiToken, application: 2, globalmessage: 'hi', data: [{ number: '15550002222' }] });
    const send = await other.next('send');
    other.send({ type: 'delivered', msg_id: send.msg_id });
    await other.next('report_ack');
    await other.close();
  });

  it('does not cut off the reference agent handing over 300 long received texts: it never sends more than the gateway keeps waiting', async () => {
    const phone = createTestAgent({ serverUrl: g.url, licenseKey: g.licenseKey, deviceId: 'long-texts', delayMs: 0 });
    await phone.agent.start();
    await phone.waitFor(() => phone.events.some((event) => event.event === 'ready'));
    // 60 000 characters weigh 15 of the gateway's 2 000 frames each: 256 at once would be 3 840.
    const text = 'y'.repeat(60_000);
    for (let index = 0; index < 300; index += 1) phone.agent.injectInbound({ number: '15550001111', text, type: 1, application: 1 });
    await phone.waitFor(() => phone.events.filter((event) => event.event === 'inbound_acked').length === 300, 30_000);
    expect(phone.events.filter((event) => event.event === 'ready')).toHaveLength(1);
    expect(await g.t.gateway.services.inbound.list(g.t.projectId, 500)).toHaveLength(300);
    await phone.agent.stop();
  });
});

describe('a device that stops reading', () => {
  let server: Server;
  let endpoint: WebSocketEndpoint;
  afterEach(async () => {
    endpoint.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it('is not read from while what the gateway wrote to it waits, and is read again once it reads', async () => {
    server = createServer();
    const received: string[] = [];
    let deviceSocket!: DeviceSocket;
    endpoint = new WebSocketEndpoint(server, { path: '/bridge/v1', maxPayloadBytes: 2 * 1024 * 1024, pingIntervalMs: 60_000 }, (socket) => {
      deviceSocket = socket;
      socket.onText((data) => received.push(String(data)));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/bridge/v1`);
    await new Promise((resolve) => client.once('open', resolve));
    let taken = 0;
    client.on('message', (data: Buffer) => (taken += data.length));
    client.pause();

    client.send('one');
    await waitUntil(() => received.length === 1);
    // Far more than the kernel's socket buffers hold: the rest waits in the gateway's write queue.
    const chunk = 'x'.repeat(1024 * 1024);
    for (let index = 0; index < 64; index += 1) deviceSocket.send(chunk);
    client.send('two');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(received).toEqual(['one']);

    client.resume();
    await waitUntil(() => received.length === 2);
    expect(received).toEqual(['one', 'two']);
    await waitUntil(() => taken === 64 * 1024 * 1024);
    client.close();
  });
});
