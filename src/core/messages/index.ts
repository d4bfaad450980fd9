// Outbound messages and their state machine.
export * from './message.js';
export * from './message-state.js';
export * from './message-service.js';
export * from './delivery-report.js';
