// WhatsApp Cloud API (applications 8, 101, 121): the channel, its webhook events and its templates.
export { WhatsAppCloudChannel, cloudInboundId, type WhatsAppCloudChannelDeps } from './whatsapp-cloud-channel.js';
export { CloudEvents, RetryLaterError, type CloudEventDeps } from './cloud-events.js';
export { TemplateService } from './template-service.js';
export { cloudMessageBody } from './cloud-message-body.js';
export { CloudGroupBackend, VERTICALS } from './cloud-groups.js';
