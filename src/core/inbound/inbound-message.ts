// A message a channel received for a project (from a phone, a WhatsApp Web session…), stored once.

/** What some message types carry besides text and media; only the fields a message uses are present. */
export interface InboundDetails {
  location?: { lat: number; long: number; name?: string; address?: string; url?: string };
  contacts?: Record<string, string>[];
  /** The payload of the button the user pressed. */
  payload?: string;
  /** An answer to a list (type 1) or quick-reply (type 2) message. */
  interactive?: { type: number; id: string; description: string };
  /** Set for messages received in a group: its id, its name, and who was mentioned. */
  groupId?: string;
  groupName?: string;
  mentions?: string[];
  /** A call the phone received (application 4): missed or answered, and how long it lasted (s). */
  call?: { isMissed: boolean; duration: number };
  /** A message the linked phone itself sent (WhatsApp Web echoes, `direction: 1`). */
  isEcho?: boolean;
}

/** Our inbound `type` for calls (application 4); Picky's message types stop at 9. */
export const INBOUND_CALL_TYPE = 10;

export interface InboundMessage {
  id: number;
  projectId: number;
  deviceId: number;
  channelId: number | null;
  application: number;
  /** The sender side's own id for the message, used to store it once. */
  externalId: string;
  sender: string;
  senderName: string;
  /** Picky's inbound `type`: 1 text, 2 image, 3 video, 4 audio, 5 location, 6 document, 7 contact, 9 interactive. */
  type: number;
  text: string;
  mediaUrl: string;
  quotedMsgId: string;
  details: InboundDetails;
  /** Our message the user replied to, when `quotedMsgId` names one of this project's messages. */
  contextMessageId: number | null;
  receivedAt: number;
  createdAt: number;
}

export type NewInboundMessage = Omit<InboundMessage, 'id' | 'contextMessageId' | 'createdAt'>;
