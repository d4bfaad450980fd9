// Devices of phone-automation projects.
export * from './device.js';
export * from './device-commands.js';
export * from './device-service.js';
export * from './device-status-report.js';
