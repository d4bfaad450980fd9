// Background work driven by rows in the database: the send queue.
export { PhoneDispatcher, type PhoneDispatcherDeps } from './phone-dispatcher.js';
