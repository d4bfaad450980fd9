// Live updates for console pages where someone waits (device status, a push in progress, a WhatsApp Web
// QR code): Server-Sent Events carrying a fresh snapshot whenever the database's answer changes.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { PickyError, deviceStatusReport, invalidRequest, webStatusName, type CallService, type DeviceService, type Project, type ProjectService, type Storage } from '../core/index.js';
import { qrPngBase64 } from '../qr/index.js';
import { messageView } from './console-routes.js';
import type { ConsoleSessions } from './console-session.js';
import { sendAnswer } from './picky-endpoint.js';
import { failure } from './picky-response.js';

export interface ConsoleLiveDeps {
  sessions: ConsoleSessions;
  projects: ProjectService;
  devices: DeviceService;
  calls: CallService;
  storage: Storage;
  /** How often a stream reads the database again. */
  pollMs: number;
  /** A stream ends after this long; EventSource reconnects by itself, so no stream lives for ever. */
  maxStreamMs: number;
}

type Snapshot = () => Promise<unknown>;

function positive(value: unknown, name: string): number {
  // Digits only, as the Picky fields read ids: `Number` alone would take `0x1`, `1e3` or ` 1 `.
  const number = typeof value === 'string' && /^\d{1,16}$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < 1) throw invalidRequest(`${name}: Expected integer`);
  return number;
}

/** What one topic shows; checked against the project before any stream starts. */
async function snapshotFor(deps: ConsoleLiveDeps, project: Project, query: Record<string, unknown>): Promise<Snapshot> {
  const { stores } = deps.storage;
  switch (query.topic) {
    case 'devices':
      return async () => {
        const devices = await deps.devices.list(project.id);
        const queued = await deps.devices.pendingCount(project.id);
        const calls = await deps.calls.pendingCount(project.id);
        return { devices: devices.map((device) => ({ ...deviceStatusReport(project, device, queued, calls), last_seen_at: new Date(device.lastSeenAt).toISOString() })) };
      };
    case 'push': {
      const pushId = positive(query.push_id, 'push_id');
      const push = await stores.pushes.findById(pushId);
      if (!push || push.projectId !== project.id) throw invalidRequest(`push ${pushId} is not a push of this project`);
      return async () => ({ push_id: String(pushId), data: (await stores.messages.listByPush(pushId)).map(messageView) });
    }
    case 'whatsapp': {
      const channelId = positive(query.channel_id, 'channel_id');
      const channel = await stores.channels.findById(channelId);
      if (!channel || channel.projectId !== project.id || channel.kind !== 10) throw invalidRequest(`channel ${channelId} is not a WhatsApp Web channel of this project`);
      let lastQr = '';
      let lastPng = '';
      return async () => {
        const session = await stores.whatsappWeb.findSession(channelId);
        const qr = session?.qr ?? '';
        // The PNG is drawn again only when WhatsApp hands out a new code (about every 20 s).
        if (qr !== lastQr) [lastQr, lastPng] = [qr, qr ? await qrPngBase64(qr) : ''];
        return { channel_id: String(channelId), session_status: webStatusName(session), connected_number: session?.connectedNumber ?? '', pairing_code: session?.pairingCode ?? '', qr_code_base64: lastPng, last_error: session?.lastError ?? '' };
      };
    }
    default:
      throw invalidRequest('topic must be devices, push or whatsapp');
  }
}

function stream(request: FastifyRequest, reply: FastifyReply, snapshot: Snapshot, deps: ConsoleLiveDeps): void {
  reply.hijack();
  const out = reply.raw;
  out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
  let last = '';
  let isReading = false;
  let isOpen = true;
  const close = () => {
    if (!isOpen) return;
    isOpen = false;
    clearInterval(poll);
    clearTimeout(end);
    out.end();
  };
  const tick = async () => {
    if (isReading || !isOpen) return;
    isReading = true;
    try {
      const text = JSON.stringify(await snapshot());
      // A snapshot is sent only when it changed; a comment now and then keeps proxies from closing the stream.
      if (text !== last && isOpen) out.write(`data: ${text}\n\n`);
      else if (isOpen) out.write(': idle\n\n');
      last = text;
    } catch (error) {
      request.log.error({ err: error, reqId: request.id }, 'console live snapshot failed');
      close();
    } finally {
      isReading = false;
    }
  };
  const poll = setInterval(() => void tick(), deps.pollMs);
  const end = setTimeout(close, deps.maxStreamMs);
  out.on('error', close);
  out.on('close', close);
  request.raw.on('error', close);
  void tick();
}

export function registerConsoleLive(app: FastifyInstance, deps: ConsoleLiveDeps): void {
  app.get('/console/api/live', async (request, reply) => {
    try {
      // A GET that changes nothing: the SameSite=Strict cookie is enough (EventSource sends no headers).
      const { account } = await deps.sessions.verify(request.headers.cookie);
      const query = request.query as Record<string, unknown>;
      const project = await deps.projects.get(account.id, positive(query.project_id, 'project_id'));
      const snapshot = await snapshotFor(deps, project, query);
      stream(request, reply, snapshot, deps);
    } catch (error) {
      if (error instanceof PickyError) return sendAnswer(reply, failure(error));
      throw error;
    }
  });
}
