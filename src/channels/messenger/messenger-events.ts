// What a Page webhook reports, applied from the inbox: messages, quick replies and postbacks go to the
// global webhook with `messenger_id` (and open the 24-hour window); delivery and read receipts move our
// messages (by message id, or all sent up to the receipt's watermark) and so reach the event webhook.
import { withoutNulCharacters, type Clock, type InboundDetails, type InboundService, type InboxEvent, type MessageService, type Storage } from '../../core/index.js';
import { advanceTo } from '../meta/status-moves.js';
import { type Json, asRecord, text } from '../meta/graph-json.js';

const ATTACHMENT_TYPES: Record<string, number> = { image: 2, video: 3, audio: 4, file: 6 };
/** Receipts by watermark look back this many messages of the conversation at most. */
const WATERMARK_LOOKBACK = 100;

export class MessengerEvents {
  constructor(private readonly deps: { storage: Storage; inbound: InboundService; messages: MessageService; clock: Clock }) {}

  async process(event: InboxEvent): Promise<void> {
    const payload = asRecord(JSON.parse(event.payload));
    const sender = text(asRecord(payload.sender).id);
    if (!sender) return;
    if (event.kind === 'fb_delivery') return this.receipt(event.channelId, sender, asRecord(payload.delivery), 'delivered');
    if (event.kind === 'fb_read') return this.receipt(event.channelId, sender, asRecord(payload.read), 'read');
    if (event.kind === 'fb_message' || event.kind === 'fb_postback') return this.inbound(event, sender, payload);
  }

  private async receipt(channelId: number, sender: string, receipt: Json, target: 'delivered' | 'read'): Promise<void> {
    const meta = this.deps.storage.stores.meta;
    const mids = Array.isArray(receipt.mids) ? receipt.mids.map(text) : [];
    const ids = new Set<number>();
    for (const mid of mids) {
      const sent = await meta.findSentByExternalId(channelId, mid);
      if (sent) ids.add(sent.messageId);
    }
    const watermark = Number(receipt.watermark);
    if (Number.isFinite(watermark) && watermark > 0) for (const sent of await meta.listSentTo(channelId, sender, watermark, WATERMARK_LOOKBACK)) ids.add(sent.messageId);
    for (const id of [...ids].sort((a, b) => a - b)) await advanceTo(this.deps.messages, id, target);
  }

  private async inbound(event: InboxEvent, sender: string, payload: Json): Promise<void> {
    const { storage } = this.deps;
    const account = await storage.stores.meta.findAccount(event.channelId);
    if (!account) return;
    const message = asRecord(payload.message);
    const postback = asRecord(payload.postback);
    const externalId = `fb/${event.channelId}/${event.eventKey}`;
    if (await storage.stores.inbound.findByExternalId(0, externalId)) return;
    let type = 1;
    let body = text(message.text);
    let mediaUrl = '';
    let details: InboundDetails = {};
    const quickReply = text(asRecord(message.quick_reply).payload);
    const attachment = asRecord((Array.isArray(message.attachments) ? message.attachments : [])[0]);
    if (event.kind === 'fb_postback') {
      type = 9;
      body = text(postback.title);
      details = { interactive: { type: 2, id: text(postback.payload), description: text(postback.title) }, payload: text(postback.payload) };
    } else if (quickReply) {
      type = 9;
      details = { interactive: { type: 2, id: quickReply, description: body }, payload: quickReply };
    } else if (text(attachment.type) === 'location') {
      const coordinates = asRecord(asRecord(attachment.payload).coordinates);
      type = 5;
      details = { location: { lat: Number(coordinates.lat) || 0, long: Number(coordinates.long) || 0, name: text(attachment.title) } };
    } else if (ATTACHMENT_TYPES[text(attachment.type)] !== undefined) {
      type = ATTACHMENT_TYPES[text(attachment.type)]!;
      // Messenger's attachment URLs are public (signed, short-lived) links to Meta's CDN.
      mediaUrl = text(asRecord(attachment.payload).url);
    } else if (!body) return;
    const timestamp = Number(payload.timestamp);
    const receivedAt = Number.isFinite(timestamp) && timestamp > 0 ? timestamp : this.deps.clock.now();
    await storage.stores.meta.touchContact(event.channelId, sender, Math.min(receivedAt, this.deps.clock.now()));
    const replyTo = text(asRecord(message.reply_to).mid);
    const quoted = replyTo ? await storage.stores.meta.findSentByExternalId(event.channelId, replyTo) : undefined;
    await this.deps.inbound.receive(
      withoutNulCharacters({
        projectId: account.projectId,
        deviceId: 0,
        channelId: event.channelId,
        application: 5,
        externalId,
        sender,
        senderName: '',
        type,
        text: body,
        mediaUrl,
        quotedMsgId: quoted ? String(quoted.messageId) : '',
        details,
        receivedAt,
      }),
    );
  }
}
