// Call conferences and click-to-call (application 4) through paired phones.
export * from './call-service.js';
export * from './conference.js';
export * from './conference-report.js';
export * from './conference-request.js';
