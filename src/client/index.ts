// The typed client, exported as `switchboard/client`: calls, errors, webhook verification and payload types.
export { SwitchboardClient, SwitchboardTransportError, type FetchLike, type SwitchboardClientOptions } from './switchboard-client.js';
export { PickyStatusError, isPickyStatusCode } from './picky-status-error.js';
export { verifyWebhookSignature, parseWebhook, WebhookSignatureError, WEBHOOK_HEADERS, type VerifyOptions } from './webhook-verifier.js';
export * from './generated-types.js';
