// Facebook Messenger (application 5): the Send API channel and its Page webhook events.
export { MessengerChannel, DEFAULT_MESSAGE_TAG } from './messenger-channel.js';
export { MessengerEvents } from './messenger-events.js';
