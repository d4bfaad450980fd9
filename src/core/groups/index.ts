// Groups and profile settings: the channel-neutral service and the backend interface channels implement.
export * from './group-backend.js';
export * from './group-input.js';
export * from './group-rate-limit.js';
export * from './group-service.js';
