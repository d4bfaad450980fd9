// Facebook Messenger as a channel (application 5): the Send API (`POST {graph}/me/messages` with the
// Page access token) for text, attachments by URL and quick replies. Inside the 24-hour window a
// message goes as `messaging_type: RESPONSE`; outside it, or for a person never heard from, as a
// `MESSAGE_TAG` with the channel's tag (ACCOUNT_UPDATE unless its settings say `message_tag`).
import {
  NO_CAPABILITIES,
  classifyGraphError,
  invalidRequest,
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
import { type Json, text } from '../meta/graph-json.js';

const MESSENGER_CAPABILITIES: ChannelCapabilities = { ...NO_CAPABILITIES, supportsText: true, supportsMedia: true, supportsInteractive: true, supportsReadReceipts: true };
export const DEFAULT_MESSAGE_TAG = 'ACCOUNT_UPDATE';
const ATTACHMENT_TYPES: Record<string, string> = { image: 'image', video: 'video', audio: 'audio', voice: 'audio', document: 'file' };

/** Quick replies from `interactive_buttons` (texts or {title, id}), their payloads from the item or `payload`. */
function quickReplies(message: OutboundMessage): Json[] {
  return (message.details.buttons ?? []).slice(0, 13).map((item, index) => {
    const fields = item !== null && typeof item === 'object' ? (item as Json) : {};
    const title = typeof item === 'string' ? item : text(fields.title) || text(fields.text);
    return { content_type: 'text', title, payload: text(fields.id) || message.details.payload?.[index] || title };
  });
}

export class MessengerChannel implements Channel {
  readonly name = 'messenger';
  readonly kinds: readonly Application[] = [5];

  constructor(private readonly deps: { storage: Storage; graph: GraphClient; accounts: MetaChannelService; clock: Clock }) {}

  capabilities(): ChannelCapabilities {
    return MESSENGER_CAPABILITIES;
  }

  async checkPush(_channel: ChannelRecord, messages: readonly MessageDraft[]): Promise<void> {
    const index = messages.findIndex((message) => message.upload !== undefined);
    if (index >= 0) throw invalidRequest(`data[${index}]: Messenger takes media by URL (globalmedia / media), not base64`);
  }

  async send(message: OutboundMessage): Promise<SendOutcome> {
    const opened = await this.deps.accounts.credentials(message.channelId);
    if (!opened) return { outcome: 'failed', isRetryable: false, reason: `channel ${message.channelId} is not linked to a Facebook Page` };
    const channel = await this.deps.storage.stores.channels.findById(message.channelId);
    const window = windowState(await this.deps.storage.stores.meta.lastInboundAt(message.channelId, message.recipient), this.deps.clock.now());
    const tag = text(channel?.settings.message_tag) || DEFAULT_MESSAGE_TAG;
    const envelope: Json = { recipient: { id: message.recipient }, ...(window === 'open' ? { messaging_type: 'RESPONSE' } : { messaging_type: 'MESSAGE_TAG', tag }) };
    const bodies: Json[] = [];
    const attachment = ATTACHMENT_TYPES[message.kind];
    // An attachment carries no caption on Messenger: the text goes first, as its own message.
    if (attachment && message.text) bodies.push({ text: message.text });
    if (attachment) bodies.push({ attachment: { type: attachment, payload: { url: message.mediaUrl, is_reusable: true } } });
    else bodies.push({ text: message.text, ...(message.kind === 'interactive' && { quick_replies: quickReplies(message) }) });
    try {
      let mid = '';
      for (const body of bodies) {
        const answer = await this.deps.graph.postJson('me/messages', opened.accessToken, { ...envelope, message: body });
        mid = text(answer.message_id);
      }
      if (!mid) return { outcome: 'failed', isRetryable: false, reason: 'meta: the Send API answered without a message id' };
      await this.deps.storage.stores.meta.recordSent({ messageId: message.id, channelId: message.channelId, externalId: mid, recipient: message.recipient, sentAt: this.deps.clock.now() });
      return { outcome: 'submitted', channelMessageId: mid };
    } catch (error) {
      if (error instanceof GraphError) return { outcome: 'failed', ...classifyGraphError(error) };
      throw error;
    }
  }
}
