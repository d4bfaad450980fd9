// What a Cloud API webhook reports, applied from the inbox: received messages (media fetched through
// Graph and kept behind an unguessable URL) go to the inbound service and so to the global webhook;
// statuses move our messages through the state machine and so reach the event webhook; template
// status updates change the stored template.
import { randomBytes } from 'node:crypto';
import { templateStatusOf, isStateEvent, withoutNulCharacters, type Clock, type InboundService, type InboxEvent, type MessageService, type MetaChannelService, type Storage } from '../../core/index.js';
import { GraphError, type GraphClient } from '../meta/graph-client.js';
import { advanceTo, failAfterSubmit } from '../meta/status-moves.js';
import { readCloudMessage } from './cloud-inbound-mapper.js';
import { cloudInboundId } from './whatsapp-cloud-channel.js';
import { type Json, asRecord, text } from '../meta/graph-json.js';

export interface CloudEventDeps {
  storage: Storage;
  graph: GraphClient;
  accounts: MetaChannelService;
  inbound: InboundService;
  messages: MessageService;
  clock: Clock;
  publicUrl: () => string;
  maxMediaBytes: number;
  logError(error: unknown, context: string): void;
}

/** Thrown to have the inbox try an event again later (a status that came before its send was recorded). */
export class RetryLaterError extends Error {
  override readonly name = 'RetryLaterError';
}

/** Statuses may beat our own record of the send (Graph answers after it queues): they wait this long for it. */
const UNKNOWN_STATUS_PATIENCE_MS = 5 * 60_000;
/** Media downloads that fail for a passing reason are tried this many times before the message goes without. */
const MEDIA_ATTEMPTS = 3;

export class CloudEvents {
  constructor(private readonly deps: CloudEventDeps) {}

  async process(event: InboxEvent): Promise<void> {
    const payload = asRecord(JSON.parse(event.payload));
    if (event.kind === 'wa_message') return this.message(event, payload);
    if (event.kind === 'wa_status') return this.status(event, payload);
    if (event.kind === 'wa_template') return this.template(event, payload);
  }

  private async message(event: InboxEvent, payload: Json): Promise<void> {
    const read = readCloudMessage(asRecord(payload.message));
    if (!read) return;
    const { storage } = this.deps;
    const account = await storage.stores.meta.findAccount(event.channelId);
    if (!account) return;
    const externalId = cloudInboundId(event.channelId, read.wamid);
    // Processed before (a crash after storing it, before the inbox row was closed): nothing to do twice.
    if (await storage.stores.inbound.findByExternalId(0, externalId)) return;
    const receivedAt = read.receivedAt ?? this.deps.clock.now();
    await storage.stores.meta.touchContact(event.channelId, read.from, Math.min(receivedAt, this.deps.clock.now()));
    const quoted = read.contextWamid ? await storage.stores.meta.findSentByExternalId(event.channelId, read.contextWamid) : undefined;
    const mediaUrl = read.mediaId ? await this.media(event, read.mediaId) : '';
    await this.deps.inbound.receive(
      withoutNulCharacters({
        projectId: account.projectId,
        deviceId: 0,
        channelId: event.channelId,
        application: account.kind,
        externalId,
        sender: read.from,
        senderName: text(asRecord(asRecord(payload.contact).profile).name),
        type: read.type,
        text: read.text,
        mediaUrl,
        quotedMsgId: quoted ? String(quoted.messageId) : '',
        details: read.details,
        receivedAt,
      }),
    );
  }

  private async media(event: InboxEvent, mediaId: string): Promise<string> {
    try {
      const opened = await this.deps.accounts.credentials(event.channelId);
      if (!opened) return '';
      const media = await this.deps.graph.downloadMedia(mediaId, opened.accessToken, this.deps.maxMediaBytes);
      const id = randomBytes(24).toString('base64url');
      await this.deps.storage.stores.meta.putMedia({ id, channelId: event.channelId, mime: media.mime, data: media.data, createdAt: this.deps.clock.now() });
      return `${this.deps.publicUrl()}/webhooks/meta/media/${id}`;
    } catch (error) {
      const isPassing = error instanceof GraphError && (error.httpStatus === 0 || error.httpStatus >= 500);
      if (isPassing && event.attempts < MEDIA_ATTEMPTS) throw new RetryLaterError(`media ${mediaId}: ${(error as Error).message}`);
      this.deps.logError(error, `downloading Cloud API media ${mediaId} on channel ${event.channelId}`);
      return '';
    }
  }

  private async status(event: InboxEvent, status: Json): Promise<void> {
    const sent = await this.deps.storage.stores.meta.findSentByExternalId(event.channelId, text(status.id));
    if (!sent) {
      if (this.deps.clock.now() - event.createdAt < UNKNOWN_STATUS_PATIENCE_MS) throw new RetryLaterError(`no message of ours has wamid ${text(status.id)} yet`);
      return;
    }
    const state = text(status.status);
    if (state === 'sent') return advanceTo(this.deps.messages, sent.messageId, 'submitted');
    if (state === 'delivered') return advanceTo(this.deps.messages, sent.messageId, 'delivered');
    if (state === 'read') return advanceTo(this.deps.messages, sent.messageId, 'read');
    if (state === 'failed') {
      const error = asRecord((Array.isArray(status.errors) ? status.errors : [])[0]);
      const details = text(asRecord(error.error_data).details);
      const reason = `meta ${text(error.code) || '0'}: ${text(error.title) || text(error.message) || 'failed'}${details ? ` (${details})` : ''}`;
      return failAfterSubmit(this.deps.messages, sent.messageId, reason);
    }
  }

  private async template(event: InboxEvent, value: Json): Promise<void> {
    const stores = this.deps.storage.stores.meta;
    const graphId = text(value.message_template_id);
    const eventName = text(value.event).toUpperCase();
    if (!isStateEvent(eventName)) return;
    const row =
      (await stores.findTemplateByGraphId(event.channelId, graphId)) ??
      (await stores.findTemplateByName(event.channelId, text(value.message_template_name), text(value.message_template_language)));
    if (!row) return;
    const reason = text(value.reason) === 'NONE' ? '' : text(value.reason);
    await stores.updateTemplate(row.id, { graphId, status: templateStatusOf(eventName), metaStatus: eventName, reason }, this.deps.clock.now());
  }
}
