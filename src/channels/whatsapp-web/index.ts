// The WhatsApp Web channel (application 10): sessions on Baileys, sending, inbound and acks.
export { createBaileysClientFactory } from './baileys-client.js';
export { SessionHub, type SessionHubDeps, type SessionHubSettings } from './session-hub.js';
export { SessionEvents, type SessionEventDeps } from './session-events.js';
export { MediaFetcher } from './media-fetcher.js';
export { WhatsAppWebChannel } from './whatsapp-web-channel.js';
export type * from './wa-client.js';
export { WebGroupBackend, groupJidOf, PICTURE_MAX_BYTES } from './web-groups.js';
export { WaServerError } from './wa-client.js';
