// A local HTTP server playing Meta's Graph API for tests (the only fake of Meta): it records every request
// with its body, answers like Graph (message ids, media ids, templates, Graph error objects on demand),
// serves media for download, and posts webhooks to a gateway signed with a real X-Hub-Signature-256.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GraphRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  /** The parsed JSON body ({} for multipart and empty bodies). */
  body: Record<string, any>;
  /** When the request's body had arrived (Date.now()). */
  at: number;
}

export interface GraphFailure {
  httpStatus: number;
  code: number;
  subcode?: number;
  message: string;
  details?: string;
}

export interface StoredTemplate {
  id: string;
  name: string;
  language: string;
  category: string;
  status: string;
  components: unknown[];
}

/** A group of Meta's Groups API as the fake keeps it. */
export interface FakeCloudGroup {
  subject: string;
  description: string;
  participants: string[];
  inviteLink: string;
}

export interface FakeGraph {
  /** Groups by id, for the Groups API (GET/POST /{group_id}, …/invite_link, DELETE …/participants). */
  groups: Map<string, FakeCloudGroup>;
  /** The base URL with a version, as SWITCHBOARD_META_GRAPH_URL takes it. */
  url: string;
  requests: GraphRequest[];
  /** Requests whose path ends with `suffix` (e.g. '/messages'). */
  sent(suffix: string): GraphRequest[];
  /** The next request whose path ends with `suffix` fails with this Graph error (queued, in order). */
  failNext(suffix: string, failure: GraphFailure): void;
  /** Media served at GET /{media_id} and its download URL. */
  addMedia(id: string, data: Buffer, mime: string): void;
  templates: StoredTemplate[];
  waitForRequests(suffix: string, count: number, timeoutMs?: number): Promise<GraphRequest[]>;
  /** The wamid the next message send is answered with (then the usual numbering again). */
  nextMessageId: string | undefined;
  /** Holds answers to requests ending with `suffix` until `release` is called. */
  hold(suffix: string): { release(): void };
  close(): Promise<void>;
}

export const GRAPH_VERSION = 'v21.0';

export async function startFakeGraph(): Promise<FakeGraph> {
  const requests: GraphRequest[] = [];
  const failures: { suffix: string; failure: GraphFailure }[] = [];
  const media = new Map<string, { data: Buffer; mime: string }>();
  const templates: StoredTemplate[] = [];
  const waiters: (() => void)[] = [];
  const holds: { suffix: string; gate: Promise<void> }[] = [];
  let counter = 0;
  let base = '';

  const json = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  };

  const answer = (request: GraphRequest, response: ServerResponse) => {
    const failureIndex = failures.findIndex((entry) => request.path.endsWith(entry.suffix));
    if (failureIndex >= 0) {
      const { failure } = failures.splice(failureIndex, 1)[0]!;
      return json(response, failure.httpStatus, {
        error: { message: failure.message, type: 'OAuthException', code: failure.code, ...(failure.subcode ? { error_subcode: failure.subcode } : {}), error_data: { messaging_product: 'whatsapp', details: failure.details ?? failure.message }, fbtrace_id: 'fake' },
      });
    }
    const parts = request.path.split('/').filter(Boolean).slice(1);
    if (!request.headers.authorization?.startsWith('Bearer ')) return json(response, 401, { error: { message: 'no token', code: 190, type: 'OAuthException' } });
    counter += 1;
    if (request.method === 'POST' && parts[0] === 'me' && parts[1] === 'messages') {
      return json(response, 200, { recipient_id: request.body.recipient?.id, message_id: `m_fake${counter}` });
    }
    if (request.method === 'POST' && parts[1] === 'messages') {
      const id = fake.nextMessageId ?? `wamid.FAKE${counter}`;
      fake.nextMessageId = undefined;
      return json(response, 200, { messaging_product: 'whatsapp', contacts: [{ input: request.body.to, wa_id: request.body.to }], messages: [{ id }] });
    }
    if (request.method === 'POST' && parts[1] === 'media') return json(response, 200, { id: `media${counter}` });
    if (request.method === 'POST' && parts[1] === 'message_templates') {
      const template = { id: String(900000 + counter), name: request.body.name, language: request.body.language, category: request.body.category, status: 'PENDING', components: request.body.components ?? [] };
      templates.push(template);
      return json(response, 200, { id: template.id, status: 'PENDING', category: template.category });
    }
    const group = parts[0] ? fake.groups.get(parts[0]) : undefined;
    if (group && parts.length === 1 && request.method === 'GET') {
      return json(response, 200, { id: parts[0], subject: group.subject, description: group.description, total_participant_count: group.participants.length, participants: group.participants.map((wa_id) => ({ wa_id })) });
    }
    if (group && parts.length === 1 && request.method === 'POST') {
      Object.assign(group, request.body.subject !== undefined && { subject: request.body.subject }, request.body.description !== undefined && { description: request.body.description });
      return json(response, 200, { success: true });
    }
    if (group && parts[1] === 'invite_link') {
      if (request.method === 'POST') group.inviteLink = `https://chat.whatsapp.com/FAKE${counter}`;
      return json(response, 200, { messaging_product: 'whatsapp', invite_link: group.inviteLink });
    }
    if (group && parts[1] === 'participants' && request.method === 'DELETE') {
      const users = (request.body.participants ?? []).map((each: { user: string }) => each.user);
      group.participants = group.participants.filter((number) => !users.includes(number));
      return json(response, 200, { success: true });
    }
    if (request.method === 'POST' && parts[1] === 'whatsapp_business_profile') return json(response, 200, { success: true });
    if (request.method === 'POST' && parts.length === 1 && typeof request.body.pin === 'string') return json(response, 200, { success: true });
    if (request.method === 'GET' && parts[1] === 'message_templates') return json(response, 200, { data: templates, paging: { cursors: { before: 'a', after: 'b' } } });
    if (request.method === 'GET' && parts[0] === 'files' && parts[1]) {
      const item = media.get(parts[1]);
      if (!item) return json(response, 404, { error: { message: 'gone', code: 100 } });
      response.writeHead(200, { 'content-type': item.mime, 'content-length': String(item.data.length) });
      return response.end(item.data);
    }
    if (request.method === 'GET' && parts.length === 1 && media.has(parts[0]!)) {
      const item = media.get(parts[0]!)!;
      return json(response, 200, { messaging_product: 'whatsapp', url: `${base}/files/${parts[0]}`, mime_type: item.mime, file_size: item.data.length, id: parts[0] });
    }
    return json(response, 400, { error: { message: `fake Graph has no ${request.method} ${request.path}`, code: 100 } });
  };

  const server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const raw = Buffer.concat(chunks);
      const url = new URL(incoming.url ?? '/', 'http://fake');
      let body: Record<string, any> = {};
      if (String(incoming.headers['content-type']).startsWith('application/json')) {
        try {
          body = JSON.parse(raw.toString('utf8')) as Record<string, any>;
        } catch {
          body = {};
        }
      }
      const request: GraphRequest = { method: incoming.method ?? 'GET', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: incoming.headers, raw, body, at: Date.now() };
      requests.push(request);
      for (const waiter of waiters.splice(0)) waiter();
      const held = holds.find((entry) => request.path.endsWith(entry.suffix));
      void (held ? held.gate : Promise.resolve()).then(() => answer(request, response));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  base = `${root}/${GRAPH_VERSION}`;
  const sent = (suffix: string) => requests.filter((request) => request.path.endsWith(suffix));
  const fake: FakeGraph = {
    groups: new Map(),
    nextMessageId: undefined,
    url: base,
    requests,
    sent,
    failNext: (suffix, failure) => failures.push({ suffix, failure }),
    addMedia: (id, data, mime) => media.set(id, { data, mime }),
    templates,
    waitForRequests(suffix, count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected ${count} Graph requests to …${suffix} within ${timeoutMs} ms, got ${sent(suffix).length}`)), timeoutMs);
        const look = () => {
          if (sent(suffix).length >= count) {
            clearTimeout(timer);
            resolve(sent(suffix).slice(0, count));
          } else waiters.push(look);
        };
        look();
      });
    },
    hold(suffix) {
      let release = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      const entry = { suffix, gate };
      holds.push(entry);
      return {
        release() {
          holds.splice(holds.indexOf(entry), 1);
          release();
        },
      };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}

/** `sha256=<hex HMAC-SHA256 of the raw body with the app secret>`, as Meta signs its webhooks. */
export function metaSignature(body: string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}`;
}

/** Posts a webhook to a gateway as Meta does (real HTTP, real signature unless `signature` is given). */
export async function sendMetaWebhook(gatewayUrl: string, payload: unknown, appSecret: string, signature?: string): Promise<{ status: number; text: string }> {
  const body = JSON.stringify(payload);
  const response = await fetch(`${gatewayUrl}/webhooks/meta`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature ?? metaSignature(body, appSecret) },
    body,
  });
  return { status: response.status, text: await response.text() };
}

/** A WhatsApp Business Account webhook with one change. */
export function cloudWebhook(wabaId: string, phoneNumberId: string, field: string, value: Record<string, unknown>): Record<string, unknown> {
  const withMetadata = field === 'messages' ? { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550001111', phone_number_id: phoneNumberId }, ...value } : value;
  return { object: 'whatsapp_business_account', entry: [{ id: wabaId, changes: [{ field, value: withMetadata }] }] };
}

export function statusChange(wamid: string, status: string, recipient: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { statuses: [{ id: wamid, status, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: recipient, ...extra }] };
}

export function inboundChange(from: string, name: string, message: Record<string, unknown>): Record<string, unknown> {
  return { contacts: [{ profile: { name }, wa_id: from }], messages: [{ from, timestamp: String(Math.floor(Date.now() / 1000)), ...message }] };
}

/** A Page webhook with messaging events. */
export function messengerWebhook(pageId: string, events: Record<string, unknown>[]): Record<string, unknown> {
  return { object: 'page', entry: [{ id: pageId, time: Date.now(), messaging: events }] };
}
