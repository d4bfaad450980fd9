// Inbound messages: what channels receive for a project.
export * from './inbound-message.js';
export * from './inbound-service.js';
