// Webhooks: the outbox of calls to customers' URLs, their payloads, signatures and instant replies.
export * from './event-report.js';
export * from './inbound-variables.js';
export * from './instant-reply.js';
export * from './instant-reply-sender.js';
export * from './retry-schedule.js';
export * from './test-webhook.js';
export * from './webhook-body.js';
export * from './webhook-caller.js';
export * from './webhook-delivery.js';
export * from './webhook-service.js';
export * from './webhook-signature.js';
