// What a session's socket reports, turned into the gateway's terms: received messages (with their media
// stored behind an unguessable URL) go to the inbound service and so to the global webhook; acks move
// our messages through the state machine and so reach the event webhook.
import { randomBytes } from 'node:crypto';
import { withoutNulCharacters, type Clock, type GroupEvent, type InboundService, type MessageService, type MessageState, type Storage } from '../../core/index.js';
import { readMessage, type ReadMessage } from './inbound-mapper.js';
import { WA_ACK, type WaClient, type WaGroupParticipantsEvent, type WaKey, type WaMessage } from './wa-client.js';
import { inboundExternalId } from './whatsapp-web-channel.js';

export interface SessionEventDeps {
  storage: Storage;
  inbound: InboundService;
  messages: MessageService;
  clock: Clock;
  publicUrl: () => string;
  /** Received media above this size is not downloaded (its media-url stays empty). */
  maxMediaBytes: number;
  /** A received media download not complete in this time is given up (media-url stays empty). */
  mediaTimeoutMs: number;
  logError(error: unknown, context: string): void;
  /** The event webhook's group event (event_id 3), the same path the bridge phones' group events take. */
  groupEvent(event: GroupEvent): Promise<void>;
}

/** `action` of the group event: 1 joined and 2 left (the contract's), 3 promoted, 4 demoted, 5 subject changed (ours). */
export const GROUP_EVENT_ACTIONS = { add: 1, remove: 2, promote: 3, demote: 4, subject: 5 } as const;

export interface SessionContext {
  channelId: number;
  projectId: number;
  /** The channel's settings ask for `direction: 1` echoes of what the phone itself sends. */
  isEchoing: boolean;
  connection: WaClient | undefined;
}

/** The states an ack level reaches, in order; delivery and read pass through submitted when the server ack was missed. */
function statesFor(status: number): MessageState[] {
  if (status === WA_ACK.serverAck) return ['submitted'];
  if (status === WA_ACK.delivered) return ['submitted', 'delivered'];
  if (status === WA_ACK.read || status === WA_ACK.played) return ['submitted', 'delivered', 'read'];
  if (status === WA_ACK.error) return ['failed'];
  return [];
}

export class SessionEvents {
  constructor(private readonly deps: SessionEventDeps) {}

  async acks(context: SessionContext, acks: { key: WaKey; status: number }[]): Promise<void> {
    for (const ack of acks) {
      const waId = typeof ack.key?.id === 'string' ? ack.key.id : '';
      if (!waId || !ack.key.fromMe) continue;
      const sent = await this.deps.storage.stores.whatsappWeb.findSentByWaId(context.channelId, waId);
      if (!sent) continue;
      const message = await this.deps.messages.get(sent.messageId);
      for (const to of statesFor(ack.status)) {
        // Steps already taken are skipped: acks repeat, and read may come without delivered.
        if (message && (message.state === to || isPast(message.state, to))) continue;
        await this.deps.messages.request({ messageId: sent.messageId, to, ...(to === 'failed' && { error: 'WhatsApp reported the message failed' }) });
      }
    }
  }

  /** One event webhook call per member and change, with the group's current subject. */
  async groupParticipants(context: SessionContext, event: WaGroupParticipantsEvent): Promise<void> {
    const action = GROUP_EVENT_ACTIONS[event.action];
    if (!action || typeof event.groupJid !== 'string' || !Array.isArray(event.participants)) return;
    // The notification does not carry the subject: asked of WhatsApp (not possible once we left the group).
    const subject = await context.connection?.groupMetadata(event.groupJid).then((group) => group.subject, () => '') ?? '';
    for (const jid of event.participants) {
      const number = numberOfJid(jid);
      if (number) await this.reportGroup(context, { groupJid: event.groupJid, subject, number, action });
    }
  }

  async groupsUpdate(context: SessionContext, updates: { groupJid: string; subject?: string }[]): Promise<void> {
    for (const update of Array.isArray(updates) ? updates : []) {
      if (typeof update.subject === 'string') await this.reportGroup(context, { groupJid: update.groupJid, subject: update.subject, number: '', action: GROUP_EVENT_ACTIONS.subject });
    }
  }

  private async reportGroup(context: SessionContext, change: { groupJid: string; subject: string; number: string; action: number }): Promise<void> {
    await this.deps.groupEvent({
      projectId: context.projectId,
      deviceId: 0,
      // No id comes with WhatsApp's group notifications: the channel, change and time make one.
      externalId: `web${context.channelId}_${change.groupJid}_${change.action}_${change.number}_${this.deps.clock.now()}`,
      application: 10,
      groupId: change.groupJid,
      groupSubject: withoutNulCharacters(change.subject),
      number: change.number,
      action: change.action,
    });
  }

  async messages(context: SessionContext, messages: WaMessage[]): Promise<void> {
    for (const raw of Array.isArray(messages) ? messages : []) {
      try {
        const read = readMessage(raw);
        // WhatsApp text may hold a NUL character, which PostgreSQL cannot store: it is dropped, not the message.
        if (read) await this.receive(context, raw, withoutNulCharacters(read));
      } catch (error) {
        this.deps.logError(error, `inbound WhatsApp Web message on channel ${context.channelId}`);
      }
    }
  }

  private async receive(context: SessionContext, raw: WaMessage, read: ReadMessage): Promise<void> {
    const stores = this.deps.storage.stores.whatsappWeb;
    if (read.isFromMe) {
      // What we sent through the API comes back too; only what the phone sent itself is an echo.
      if (!context.isEchoing || (await stores.findSentByWaId(context.channelId, read.waId))) return;
    }
    const externalId = inboundExternalId(context.channelId, read.chatJid, read.waId);
    // WhatsApp delivers a message again after a reconnect: its media is not downloaded and stored twice.
    // (The insert below still deduplicates what arrives twice at once.)
    if (read.media && (await this.deps.storage.stores.inbound.findByExternalId(0, externalId))) return;
    const quoted = read.quotedWaId ? await stores.findSentByWaId(context.channelId, read.quotedWaId) : undefined;
    const mediaUrl = read.media ? await this.storeMedia(context, raw, read.media) : '';
    await this.deps.inbound.receive({
      projectId: context.projectId,
      deviceId: 0,
      channelId: context.channelId,
      application: 10,
      externalId,
      sender: read.sender,
      senderName: read.isFromMe ? '' : read.senderName,
      type: read.type,
      text: read.text,
      mediaUrl,
      quotedMsgId: quoted ? String(quoted.messageId) : '',
      details: read.isFromMe ? { ...read.details, isEcho: true } : read.details,
      receivedAt: read.receivedAt ?? this.deps.clock.now(),
    });
  }

  private async storeMedia(context: SessionContext, raw: WaMessage, media: NonNullable<ReadMessage['media']>): Promise<string> {
    if (!context.connection || media.size > this.deps.maxMediaBytes) return '';
    try {
      // The declared size (fileLength) is the sender's word: the download itself stops past the limit.
      const data = await context.connection.download(raw, { maxBytes: this.deps.maxMediaBytes, timeoutMs: this.deps.mediaTimeoutMs });
      const id = randomBytes(24).toString('base64url');
      await this.deps.storage.stores.whatsappWeb.putMedia({ id: `in:${id}`, channelId: context.channelId, url: '', mime: media.mime, fileName: media.fileName, data, createdAt: this.deps.clock.now() });
      return `${this.deps.publicUrl()}/whatsapp-web/media/${id}`;
    } catch (error) {
      this.deps.logError(error, `downloading WhatsApp Web media on channel ${context.channelId}`);
      return '';
    }
  }
}

/** "15551234567:3@s.whatsapp.net" → "15551234567"; '' for what is no phone number (a LID WhatsApp gave no number for). */
function numberOfJid(jid: unknown): string {
  if (typeof jid !== 'string' || !jid.endsWith('@s.whatsapp.net')) return '';
  const number = jid.split('@')[0]!.split(':')[0]!;
  return /^\d{5,20}$/.test(number) ? number : '';
}

const ORDER: MessageState[] = ['queued', 'sending', 'submitted', 'delivered', 'read'];
function isPast(state: MessageState, to: MessageState): boolean {
  const [at, target] = [ORDER.indexOf(state), ORDER.indexOf(to)];
  return at === -1 || (target !== -1 && at > target);
}
