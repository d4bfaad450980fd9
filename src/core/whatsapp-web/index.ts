// WhatsApp Web Automation (application 10): sessions, their status and commands, their storage.
export * from './web-session.js';
export * from './web-store.js';
export * from './web-sessions.js';
