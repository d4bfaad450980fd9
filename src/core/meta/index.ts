// Meta channels (WhatsApp Cloud API, Messenger): accounts, the inbox, templates, the window rule, errors.
export * from './meta-account.js';
export type * from './meta-store.js';
export * from './meta-template.js';
export * from './graph-error-policy.js';
export * from './conversation-window.js';
export * from './template-request.js';
export * from './meta-channel-service.js';
