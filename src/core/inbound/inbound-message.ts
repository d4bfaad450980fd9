// A message a channel received for a project (from a phone, a WhatsApp Web session…), stored once.

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
  /** Our message the user replied to, when `quotedMsgId` names one of this project's messages. */
  contextMessageId: number | null;
  receivedAt: number;
  createdAt: number;
}

export type NewInboundMessage = Omit<InboundMessage, 'id' | 'contextMessageId' | 'createdAt'>;
