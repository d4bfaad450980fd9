// WhatsApp Cloud API as a channel (applications 8, 101, 121): what it carries, the checks only it can
// make before a push is accepted (the 24-hour window, templates), and how one message goes to Graph
// (`POST /{phone_number_id}/messages`, base64 media uploaded first); the answer's wamid is stored so
// that status webhooks find their message.
import {
  NO_CAPABILITIES,
  PickyError,
  Status,
  classifyGraphError,
  windowState,
  type Application,
  type Channel,
  type ChannelCapabilities,
  type ChannelRecord,
  type Clock,
  type MessageDraft,
  type MetaChannelService,
  type OutboundMessage,
  type SendOutcome,
  type Storage,
} from '../../core/index.js';
import { GraphError, type GraphClient } from '../meta/graph-client.js';
import { MessageBodyError, cloudMessageBody, type MediaRef } from './cloud-message-body.js';
import { findTemplateFor, pickTemplate } from './cloud-templates.js';

export interface WhatsAppCloudChannelDeps {
  storage: Storage;
  graph: GraphClient;
  accounts: MetaChannelService;
  clock: Clock;
}

const CLOUD_CAPABILITIES: ChannelCapabilities = {
  ...NO_CAPABILITIES,
  supportsText: true,
  supportsMedia: true,
  supportsLocation: true,
  supportsContact: true,
  supportsTemplate: true,
  supportsSticker: true,
  supportsInteractive: true,
  supportsReadReceipts: true,
};

/** The file name a document shows: media_name, else the URL's last segment. */
function fileNameOf(message: OutboundMessage): string {
  if (message.details.mediaName) return message.details.mediaName;
  if (!message.mediaUrl) return '';
  try {
    return decodeURIComponent(new URL(message.mediaUrl).pathname.split('/').pop() ?? '');
  } catch {
    return '';
  }
}

export class WhatsAppCloudChannel implements Channel {
  readonly name = 'whatsapp-cloud';
  readonly kinds: readonly Application[] = [8, 101, 121];
  /** Graph media ids of uploaded push media, per channel: one upload serves every recipient of a push. */
  private readonly uploads = new Map<string, Promise<string>>();

  constructor(private readonly deps: WhatsAppCloudChannelDeps) {}

  capabilities(): ChannelCapabilities {
    return CLOUD_CAPABILITIES;
  }

  async checkPush(channel: ChannelRecord, messages: readonly MessageDraft[]): Promise<void> {
    const stores = this.deps.storage.stores;
    const now = this.deps.clock.now();
    const windows = new Map<string, string>();
    for (const [index, message] of messages.entries()) {
      if (message.kind === 'template') {
        const templateId = message.details.templateId!;
        const rows = await findTemplateFor(stores, channel.id, channel.projectId, templateId, message.details.language);
        const template = pickTemplate(rows);
        if (!template) throw new PickyError(Status.invalidTemplateId, `data[${index}]: template ${templateId}${message.details.language ? ` (${message.details.language})` : ''} is not a template of channel ${channel.id}`);
        if (template.status !== 3) throw new PickyError(Status.invalidTemplateId, `data[${index}]: template ${templateId} (${template.language}) is not approved by WhatsApp yet (template_status ${template.status})`);
        continue;
      }
      let state = windows.get(message.recipient);
      if (state === undefined) {
        state = windowState(await stores.meta.lastInboundAt(channel.id, message.recipient), now);
        windows.set(message.recipient, state);
      }
      if (state === 'closed') {
        throw new PickyError(Status.outsideWindow, `data[${index}]: ${message.recipient} last wrote more than 24 hours ago; WhatsApp accepts only template messages (template_id) until they write again`);
      }
    }
  }

  async send(message: OutboundMessage): Promise<SendOutcome> {
    const opened = await this.deps.accounts.credentials(message.channelId);
    if (!opened) return { outcome: 'failed', isRetryable: false, reason: `channel ${message.channelId} is not linked to a WhatsApp phone number` };
    const { account, accessToken } = opened;
    const stores = this.deps.storage.stores;
    try {
      const media = await this.mediaRef(message, account.externalId, accessToken);
      const template = message.kind === 'template' ? pickTemplate(await findTemplateFor(stores, message.channelId, message.projectId, message.details.templateId ?? '', message.details.language)) : undefined;
      const body = cloudMessageBody(message, { media, fileName: fileNameOf(message), template, quotedWamid: await this.quotedWamid(message) });
      const answer = await this.deps.graph.postJson(`${encodeURIComponent(account.externalId)}/messages`, accessToken, body);
      const first = (Array.isArray(answer.messages) ? answer.messages[0] : undefined) as { id?: unknown } | undefined;
      const wamid = typeof first?.id === 'string' ? first.id : '';
      if (!wamid) return { outcome: 'failed', isRetryable: false, reason: 'meta: Graph accepted the message without a message id' };
      await stores.meta.recordSent({ messageId: message.id, channelId: message.channelId, externalId: wamid, recipient: message.recipient, sentAt: this.deps.clock.now() });
      return { outcome: 'submitted', channelMessageId: wamid };
    } catch (error) {
      if (error instanceof GraphError) return { outcome: 'failed', ...classifyGraphError(error) };
      if (error instanceof MessageBodyError) return { outcome: 'failed', isRetryable: false, reason: error.message };
      throw error;
    }
  }

  private async mediaRef(message: OutboundMessage, phoneNumberId: string, token: string): Promise<MediaRef | undefined> {
    if (message.mediaId === null) return message.mediaUrl ? { link: message.mediaUrl } : undefined;
    const key = `${message.channelId}:${message.mediaId}`;
    let upload = this.uploads.get(key);
    if (!upload) {
      upload = (async () => {
        const media = await this.deps.storage.stores.pushes.findMedia(message.mediaId!, true);
        if (!media?.data) throw new MessageBodyError('uploaded media not found');
        return this.deps.graph.uploadMedia(phoneNumberId, token, { data: media.data, mime: media.mime, fileName: media.fileName || 'file' });
      })();
      this.uploads.set(key, upload);
      // A failed upload is tried again by the next message; a good one is kept for the push's other recipients.
      upload.catch(() => this.uploads.delete(key));
      if (this.uploads.size > 1000) this.uploads.delete(this.uploads.keys().next().value!);
    }
    return { id: await upload };
  }

  /** `quoted` names one of our messages (its msg_id) or a received one (its unique-id) of this channel. */
  private async quotedWamid(message: OutboundMessage): Promise<string | undefined> {
    if (!/^\d{1,15}$/.test(message.quoted)) return undefined;
    const stores = this.deps.storage.stores;
    const sent = await stores.meta.findSentByMessageId(Number(message.quoted));
    if (sent && sent.channelId === message.channelId) return sent.externalId;
    const received = await stores.inbound.findById(Number(message.quoted));
    if (received?.channelId === message.channelId && received.externalId.startsWith('cloud/')) return received.externalId.split('/').slice(2).join('/');
    return undefined;
  }
}

/** The key a received Cloud API message is stored under (its wamid, per channel). */
export function cloudInboundId(channelId: number, wamid: string): string {
  return `cloud/${channelId}/${wamid}`;
}
