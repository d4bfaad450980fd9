// A device for tests that speaks the protocol by hand over a real WebSocket: it sends exactly what a
// test tells it to, including broken frames, and collects what the gateway answers.
import WebSocket from 'ws';

export interface RawDevice {
  socket: WebSocket;
  frames: Record<string, any>[];
  send(frame: unknown): void;
  sendRaw(data: string | Buffer): void;
  /** The next frame of this type not yet taken (waits for it). */
  next(type: string, timeoutMs?: number): Promise<Record<string, any>>;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

export async function connectRawDevice(baseUrl: string): Promise<RawDevice> {
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/bridge/v1`);
  const frames: Record<string, any>[] = [];
  const taken = new Set<Record<string, any>>();
  const waiters: (() => void)[] = [];
  socket.on('message', (data) => {
    frames.push(JSON.parse(String(data)));
    for (const waiter of waiters.splice(0)) waiter();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const next = (type: string, timeoutMs = 5000) =>
    new Promise<Record<string, any>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no '${type}' frame within ${timeoutMs} ms; got ${JSON.stringify(frames.slice(-5))}`)), timeoutMs);
      const look = () => {
        const found = frames.find((frame) => frame.type === type && !taken.has(frame));
        if (found) {
          taken.add(found);
          clearTimeout(timer);
          resolve(found);
        } else waiters.push(look);
      };
      look();
    });
  return {
    socket,
    frames,
    send: (frame) => socket.send(JSON.stringify(frame)),
    sendRaw: (data) => socket.send(data),
    next,
    closed,
    async close() {
      if (socket.readyState === WebSocket.CLOSED) return;
      socket.close();
      await closed;
    },
  };
}

export function hello(licenseKey: string, deviceId: string, extra: Record<string, unknown> = {}) {
  return { type: 'hello', v: 1, license_key: licenseKey, device_id: deviceId, phone_name: 'Test Phone', app_version: '1.0', applications: [1, 2, 3], delay_ms: 0, ...extra };
}
