// Background work driven by rows in the database: the send queue and the webhook outbox.
export { PhoneDispatcher, type PhoneDispatcherDeps } from './phone-dispatcher.js';
export { WebhookDispatcher, type WebhookDispatcherDeps, type WebhookDispatcherSettings } from './webhook-dispatcher.js';
export { createMediaGetter, createWebhookPoster, type GuardOptions, type PosterOptions } from './undici-webhook-poster.js';
export { CallDispatcher, type CallDispatcherDeps } from './call-dispatcher.js';
export { WebDispatcher, type WebDispatcherDeps, type SendGap } from './web-dispatcher.js';
export { isReservedAddress } from './reserved-addresses.js';
export { MetaDispatcher, type MetaDispatcherDeps, type MetaDispatcherSettings } from './meta-dispatcher.js';
