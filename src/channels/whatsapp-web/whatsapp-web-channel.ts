// The WhatsApp Web session as a channel (application 10): what it can carry, and how one message is
// handed to the socket. The WhatsApp id is chosen and stored before sending, so the acks that follow
// always find their message.
import { randomBytes } from 'node:crypto';
import { NO_CAPABILITIES, type Application, type Channel, type ChannelCapabilities, type OutboundMessage, type SendOutcome, type Storage } from '../../core/index.js';
import { MediaFetchError, type FetchedMedia, type MediaFetcher } from './media-fetcher.js';
import { chatJidFor, contentFor } from './outbound-content.js';
import type { WaClient, WaMessage } from './wa-client.js';

export interface WhatsAppWebChannelDeps {
  storage: Storage;
  media: MediaFetcher;
  /** The open socket of a channel's session on this node. */
  connection(channelId: number): WaClient | undefined;
}

/** WhatsApp Web ids are 3EB0 followed by hex; ours follow the same form. */
function newWaId(): string {
  return `3EB0${randomBytes(9).toString('hex').toUpperCase()}`;
}

const WEB_CAPABILITIES: ChannelCapabilities = {
  ...NO_CAPABILITIES,
  supportsText: true,
  supportsMedia: true,
  supportsLocation: true,
  supportsContact: true,
  supportsSticker: true,
  supportsVoiceNote: true,
  supportsGroups: true,
  supportsReadReceipts: true,
};

export class WhatsAppWebChannel implements Channel {
  readonly name = 'whatsapp-web';
  readonly kinds: readonly Application[] = [10];

  constructor(private readonly deps: WhatsAppWebChannelDeps) {}

  capabilities(): ChannelCapabilities {
    return WEB_CAPABILITIES;
  }

  async send(message: OutboundMessage): Promise<SendOutcome> {
    const client = this.deps.connection(message.channelId);
    if (!client) return { outcome: 'failed', isRetryable: true, reason: 'WhatsApp Web session not connected' };
    let content;
    try {
      content = contentFor(message, await this.mediaOf(message));
    } catch (error) {
      const isRetryable = error instanceof MediaFetchError && error.isRetryable;
      return { outcome: 'failed', isRetryable, reason: (error as Error).message };
    }
    const jid = chatJidFor(message);
    const stores = this.deps.storage.stores;
    // A message sent again (a retry, or after a restart that found it `sending`) keeps its WhatsApp id,
    // so that WhatsApp and the recipient take it for the same message rather than a second one.
    const waId = (await stores.whatsappWeb.findSentByMessageId(message.id))?.waId ?? newWaId();
    await stores.whatsappWeb.recordSent({ messageId: message.id, channelId: message.channelId, waId, jid, kind: message.kind, text: message.text }, message.createdAt);
    const quoted = await this.quotedOf(message, jid);
    // `createcontact`: the recipient is saved first, so that the message reaches a saved contact. A
    // group is no contact. Saved under its number: the push gives no other name.
    if (message.details.createContact && !message.details.groupId) await client.saveContact(jid, `+${message.recipient}`);
    try {
      await client.send(jid, content, { messageId: waId, ...(quoted && { quoted }) });
    } catch (error) {
      return { outcome: 'failed', isRetryable: true, reason: `WhatsApp Web send failed: ${(error as Error).message}` };
    }
    // The server ack (submitted), delivery and read arrive as acks.
    return { outcome: 'pending' };
  }

  private async mediaOf(message: OutboundMessage): Promise<FetchedMedia | undefined> {
    if (message.mediaId !== null) {
      const upload = await this.deps.storage.stores.pushes.findMedia(message.mediaId, true);
      if (!upload?.data) throw new MediaFetchError('uploaded media not found', false);
      return { data: upload.data, mime: upload.mime, fileName: upload.fileName || 'file' };
    }
    return message.mediaUrl ? this.deps.media.fetch(message.mediaUrl) : undefined;
  }

  /**
   * `quoted` names an earlier message of the same chat: one we sent (its msg_id) or one we received (its
   * unique-id). The two are numbered apart, so one number may name both: a message we sent to this chat
   * comes first, as the contract's "msg id" says; a quote from another chat is never taken.
   */
  private async quotedOf(message: OutboundMessage, chatJid: string): Promise<WaMessage | undefined> {
    if (!/^\d{1,15}$/.test(message.quoted)) return undefined;
    const id = Number(message.quoted);
    const stores = this.deps.storage.stores;
    const sent = await stores.whatsappWeb.findSentByMessageId(id);
    if (sent && sent.channelId === message.channelId && sent.jid === chatJid) return { key: { remoteJid: sent.jid, id: sent.waId, fromMe: true }, message: { conversation: sent.text } };
    const received = await stores.inbound.findById(id);
    const parts = received?.channelId === message.channelId ? received.externalId.split('/') : [];
    if (parts.length !== 4 || parts[2] !== chatJid) return undefined;
    return { key: { remoteJid: parts[2], id: parts[3], fromMe: false }, message: { conversation: received!.text } };
  }
}

/** The key an inbound message is stored under: unique per channel, and the quote of a reply is built from it. */
export function inboundExternalId(channelId: number, chatJid: string, waId: string): string {
  return `wa/${channelId}/${chatJid}/${waId}`;
}
