// Channels: the interface every channel implements, and the registry that routes kinds to them.
export * from './channel.js';
export * from './channel-registry.js';
export * from './channel-service.js';
