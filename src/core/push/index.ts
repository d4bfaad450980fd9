// The Push API's domain: request model, media, drafts, batching, and the service that accepts pushes.
export * from './media.js';
export * from './push-draft.js';
export * from './push-request.js';
export * from './push-service.js';
export * from './write-batcher.js';
