// What every channel (phone bridge, WhatsApp Web, Cloud API, Messenger…) is to the rest of the gateway:
// the message kinds it can carry, and how it is handed a message to send.
import type { Application } from '../applications.js';
import type { OutboundMessage } from '../messages/message.js';
import type { MessageDraft } from '../push/push-request.js';

export interface ChannelCapabilities {
  supportsText: boolean;
  /** Images, video, audio and documents as real attachments. */
  supportsMedia: boolean;
  /** Media cannot travel, so a media URL is appended to the text (SMS, as documented). */
  sendsMediaAsLink: boolean;
  supportsLocation: boolean;
  supportsContact: boolean;
  supportsTemplate: boolean;
  supportsSticker: boolean;
  supportsVoiceNote: boolean;
  supportsInteractive: boolean;
  supportsGroups: boolean;
  supportsReadReceipts: boolean;
  supportsCalls: boolean;
}

/** A channel configured for a project (a row of `channels`). Its id is the "channel id" of the docs. */
export interface ChannelRecord {
  id: number;
  projectId: number;
  kind: Application;
  name: string;
  settings: Record<string, unknown>;
  /** `deleted`: removed by pm/delete-channel; kept so that its messages keep their channel. */
  status: 'active' | 'disabled' | 'deleted';
  createdAt: number;
}

/** How a send attempt ended. A failure says whether trying again may help. */
export type SendOutcome =
  | { outcome: 'submitted'; channelMessageId?: string }
  /** Handed over; the channel reports the outcome later (a device answers `sent` or `failed`). */
  | { outcome: 'pending' }
  | { outcome: 'failed'; isRetryable: boolean; reason: string };

/** The implementation behind one or more channel kinds, registered once per gateway process. */
export interface Channel {
  readonly name: string;
  readonly kinds: readonly Application[];
  capabilities(kind: Application): ChannelCapabilities;
  /** Hands one message to the outside world; the dispatcher records the outcome. */
  send(message: OutboundMessage): Promise<SendOutcome>;
  /**
   * Refuses, with a PickyError, a push only this channel can judge before it is accepted (Meta's 24-hour
   * window, templates that are unknown or not approved).
   */
  checkPush?(channel: ChannelRecord, messages: readonly MessageDraft[]): Promise<void>;
}

export const NO_CAPABILITIES: ChannelCapabilities = {
  supportsText: false,
  supportsMedia: false,
  sendsMediaAsLink: false,
  supportsLocation: false,
  supportsContact: false,
  supportsTemplate: false,
  supportsSticker: false,
  supportsVoiceNote: false,
  supportsInteractive: false,
  supportsGroups: false,
  supportsReadReceipts: false,
  supportsCalls: false,
};
