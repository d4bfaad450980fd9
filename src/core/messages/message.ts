// Outbound messages: what a push resolves to, one per recipient, and the states each one goes through.

export const MESSAGE_KINDS = ['text', 'image', 'video', 'audio', 'voice', 'document', 'sticker', 'location', 'contact', 'template', 'interactive'] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

export const MESSAGE_STATES = ['queued', 'sending', 'submitted', 'delivered', 'read', 'failed', 'cancelled', 'refunded'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

export interface Location {
  name: string;
  address: string;
  lat: number;
  long: number;
}

export type ContactCard = Record<string, string>;

/** Kind-specific content kept beside the text: only the fields the kind uses are present. */
export interface MessageDetails {
  location?: Location;
  contacts?: ContactCard[];
  templateId?: string;
  language?: string;
  templateHeader?: string;
  templateValues?: string[];
  buttons?: unknown[];
  payload?: string[];
  groupId?: string;
  mediaName?: string;
  createContact?: boolean;
  action?: string;
}

/** One message as the channel receives it. */
export interface OutboundMessage {
  id: number;
  pushId: number;
  projectId: number;
  channelId: number;
  application: number;
  priority: number;
  recipient: string;
  kind: MessageKind;
  text: string;
  mediaUrl: string;
  /** Id of media uploaded as base64 with the push (stored once per push); null otherwise. */
  mediaId: number | null;
  details: MessageDetails;
  referenceNumber: string;
  quoted: string;
  credit: number;
  state: MessageState;
  attempts: number;
  lastError: string;
  /** The device the message was last handed to (phone automation). */
  deviceId: number | null;
  createdAt: number;
}

export interface MessageEvent {
  messageId: number;
  state: MessageState;
  at: number;
  error: string;
}

/** Picky's `message_type` numbers: 1-5 as documented, 6 and up are ours. */
export const MESSAGE_TYPE_NUMBERS: Record<MessageKind, number> = {
  image: 1,
  video: 2,
  text: 3,
  audio: 4,
  voice: 4,
  document: 5,
  location: 6,
  contact: 7,
  template: 8,
  sticker: 9,
  interactive: 10,
};
