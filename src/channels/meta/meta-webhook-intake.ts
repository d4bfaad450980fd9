// Meta's one callback URL for the gateway: answers the subscription check (hub.verify_token against each
// channel's hashed verify token), and stores each webhook's events before answering, after checking its
// X-Hub-Signature-256 with the app secret of the channel each entry routes to. Events are keyed (message
// id, status, template event) so Meta's retries are stored once; processing happens later, from the rows.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { hashVerifyToken, isCloudApiKind, type Clock, type MetaAccount, type MetaChannelService, type NewInboxEvent, type Storage } from '../../core/index.js';
import { type Json, asRecord, asList, text } from './graph-json.js';

export type IntakeResult = { status: 200; stored: number } | { status: 400 | 401; reason: string };

/** An event and the external id that routes it (phone_number_id, WABA id or Page id). */
interface Routed {
  route: { by: 'external' | 'waba'; id: string; isCloud: boolean };
  event: Omit<NewInboxEvent, 'channelId'>;
}

function cloudEvents(entry: Json): Routed[] {
  const routed: Routed[] = [];
  for (const change of asList(entry.changes).map(asRecord)) {
    const value = asRecord(change.value);
    const field = text(change.field);
    if (field === 'message_template_status_update') {
      const key = `tpl:${text(value.message_template_id)}:${text(value.event)}:${text(entry.time)}`;
      routed.push({ route: { by: 'waba', id: text(entry.id), isCloud: true }, event: { eventKey: key, kind: 'wa_template', payload: JSON.stringify(value) } });
      continue;
    }
    if (field !== 'messages') continue;
    const phoneNumberId = text(asRecord(value.metadata).phone_number_id);
    const route = { by: 'external' as const, id: phoneNumberId, isCloud: true };
    const contacts = asList(value.contacts).map(asRecord);
    for (const message of asList(value.messages).map(asRecord)) {
      const id = text(message.id);
      if (!id) continue;
      const contact = contacts.find((candidate) => text(candidate.wa_id) === text(message.from)) ?? contacts[0] ?? {};
      routed.push({ route, event: { eventKey: `msg:${id}`, kind: 'wa_message', payload: JSON.stringify({ message, contact }) } });
    }
    for (const status of asList(value.statuses).map(asRecord)) {
      const id = text(status.id);
      if (!id) continue;
      routed.push({ route, event: { eventKey: `status:${id}:${text(status.status)}`, kind: 'wa_status', payload: JSON.stringify(status) } });
    }
  }
  return routed;
}

function messengerEvents(entry: Json): Routed[] {
  const route = { by: 'external' as const, id: text(entry.id), isCloud: false };
  const routed: Routed[] = [];
  for (const event of asList(entry.messaging).map(asRecord)) {
    const sender = text(asRecord(event.sender).id);
    const payload = JSON.stringify(event);
    const message = asRecord(event.message);
    if (text(message.mid)) {
      // Echoes are what the Page itself sent (through us or the inbox): not inbound messages.
      if (message.is_echo === true) continue;
      routed.push({ route, event: { eventKey: `msg:${text(message.mid)}`, kind: 'fb_message', payload } });
    } else if (Object.keys(asRecord(event.delivery)).length > 0) {
      const delivery = asRecord(event.delivery);
      routed.push({ route, event: { eventKey: `delivery:${sender}:${asList(delivery.mids).map(text).join(',')}:${text(delivery.watermark)}`, kind: 'fb_delivery', payload } });
    } else if (Object.keys(asRecord(event.read)).length > 0) {
      routed.push({ route, event: { eventKey: `read:${sender}:${text(asRecord(event.read).watermark)}`, kind: 'fb_read', payload } });
    } else if (Object.keys(asRecord(event.postback)).length > 0) {
      const postback = asRecord(event.postback);
      routed.push({ route, event: { eventKey: `postback:${text(postback.mid) || `${sender}:${text(event.timestamp)}`}`, kind: 'fb_postback', payload } });
    }
  }
  return routed;
}

function signatureMatches(body: Buffer, header: string, secret: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(header.trim().toLowerCase());
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export class MetaWebhookIntake {
  constructor(private readonly deps: { storage: Storage; accounts: MetaChannelService; clock: Clock; onStored: () => void; logError(error: unknown, context: string): void }) {}

  /** Meta's subscription check: the challenge when the verify token is one of a channel's, else undefined (403). */
  async verify(query: Record<string, unknown>): Promise<string | undefined> {
    if (query['hub.mode'] !== 'subscribe' || typeof query['hub.verify_token'] !== 'string' || typeof query['hub.challenge'] !== 'string') return undefined;
    const accounts = await this.deps.storage.stores.meta.findAccountsByVerifyTokenHash(hashVerifyToken(query['hub.verify_token']));
    return accounts.length > 0 ? query['hub.challenge'] : undefined;
  }

  async receive(body: Buffer, signature: string | undefined): Promise<IntakeResult> {
    if (!signature?.startsWith('sha256=')) return { status: 401, reason: 'X-Hub-Signature-256 is missing' };
    let payload: Json;
    try {
      payload = asRecord(JSON.parse(body.toString('utf8')));
    } catch {
      return { status: 400, reason: 'the body is not JSON' };
    }
    const object = text(payload.object);
    const entries = asList(payload.entry).map(asRecord);
    const routed = entries.flatMap((entry) => (object === 'page' ? messengerEvents(entry) : object === 'whatsapp_business_account' ? cloudEvents(entry) : []));
    const stores = this.deps.storage.stores;
    const byRoute = new Map<string, MetaAccount[]>();
    // Each entry names its WABA or Page too: a signature can be checked even when no event is for us.
    const entryRoutes = entries.map((entry) => (object === 'page' ? { by: 'external' as const, id: text(entry.id), isCloud: false } : { by: 'waba' as const, id: text(entry.id), isCloud: true }));
    for (const route of [...entryRoutes, ...routed.map((item) => item.route)]) {
      const key = `${route.by}:${route.id}`;
      if (byRoute.has(key)) continue;
      const found = route.by === 'waba' ? await stores.meta.findAccountsByWabaId(route.id) : await stores.meta.findAccountsByExternalId(route.id);
      byRoute.set(key, found.filter((account) => isCloudApiKind(account.kind) === route.isCloud));
    }
    // The body is signed with one app's secret: only channels of that app may take its events.
    const verified = new Map<number, boolean>();
    const isVerified = (account: MetaAccount): boolean => {
      let ok = verified.get(account.channelId);
      if (ok === undefined) {
        try {
          ok = signatureMatches(body, signature, this.deps.accounts.open(account).appSecret);
        } catch (error) {
          this.deps.logError(error, `opening the app secret of channel ${account.channelId}`);
          ok = false;
        }
        verified.set(account.channelId, ok);
      }
      return ok;
    };
    for (const accounts of byRoute.values()) accounts.forEach(isVerified);
    const events: NewInboxEvent[] = [];
    for (const { route, event } of routed) {
      for (const account of byRoute.get(`${route.by}:${route.id}`) ?? []) if (isVerified(account)) events.push({ ...event, channelId: account.channelId });
    }
    if (![...verified.values()].some(Boolean)) return { status: 401, reason: verified.size === 0 ? 'the webhook names no linked channel' : 'the signature matches no linked channel' };
    const stored = await stores.meta.addInbox(events, this.deps.clock.now());
    if (stored > 0) this.deps.onStored();
    return { status: 200, stored };
  }
}
