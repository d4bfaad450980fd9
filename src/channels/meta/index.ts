// What Meta's channels share: the Graph API wrapper, the webhook intake, receipts applied to messages.
export { GraphClient, GraphError, type GraphClientOptions } from './graph-client.js';
export { MetaWebhookIntake, type IntakeResult } from './meta-webhook-intake.js';
