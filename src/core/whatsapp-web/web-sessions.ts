// What the HTTP layer asks of the WhatsApp Web sessions; the channel (channels/whatsapp-web) answers.
// `application` is 10 (the project's first WhatsApp Web channel, provisioned on first use) or the id of
// one of the project's WhatsApp Web channels.
import type { Project } from '../project.js';
import type { WebCommand, WebSession } from './web-session.js';
import type { WebMedia } from './web-store.js';

export interface WebPairing {
  channelId: number;
  session: WebSession;
  /** Why no QR code shows, when the session is unpaired and shows none (undefined otherwise). */
  noQrReason?: string;
}

export interface WhatsAppWebSessions {
  /** Whether `application` names WhatsApp Web for this project (10, or one of its channel ids). */
  isWebApplication(project: Project, application: number): Promise<boolean>;
  status(project: Project, application: number): Promise<Record<string, unknown>>;
  command(project: Project, application: number, command: WebCommand): Promise<{ cancelled: number }>;
  /** Starts the session if needed and waits briefly for its first QR code. */
  pairing(project: Project, application: number): Promise<WebPairing>;
  /** Asks WhatsApp for a code to type on the phone (Linked devices → Link with phone number). */
  pairingCode(project: Project, application: number, phoneNumber: string): Promise<string>;
  /** Removes a WhatsApp Web channel: its queue is cancelled, its number unlinked, its session and logs erased. */
  remove(project: Project, channelId: number): Promise<{ cancelled: number }>;
  /** A received media item, by its unguessable id. */
  receivedMedia(id: string): Promise<WebMedia | undefined>;
}
