// The "test webhook" action: posts a sample inbound message to the project's configured webhook and
// shows what the receiver answered and the instant reply that answer would have produced.
import type { InboundMessage } from '../inbound/inbound-message.js';
import type { Project } from '../project.js';
import { invalidRequest } from '../status-codes.js';
import { inboundVariables } from './inbound-variables.js';
import type { WebhookCaller } from './webhook-caller.js';
import type { InstantReply } from './webhook-delivery.js';
import { newEventId } from './webhook-service.js';

export interface WebhookTestResult {
  url: string;
  isDelivered: boolean;
  responseCode: number | null;
  latencyMs: number | null;
  /** The start of the receiver's answer. */
  responseBody: string;
  error: string;
  /** What would have been sent back to the sender (nothing is sent by a test). */
  reply: InstantReply | null;
}

/** A message like a phone would forward: text from a sample number, id 0 (never a real one). */
export function sampleInbound(project: Project, now: number): InboundMessage {
  return {
    id: 0,
    projectId: project.id,
    deviceId: 0,
    channelId: null,
    application: 1,
    externalId: 'test',
    sender: '15550000000',
    senderName: 'Switchboard test',
    type: 1,
    text: 'This is a test message from Switchboard',
    mediaUrl: '',
    quotedMsgId: '',
    details: {},
    contextMessageId: null,
    receivedAt: now,
    createdAt: now,
  };
}

export async function testWebhook(caller: WebhookCaller, project: Project, now: number): Promise<WebhookTestResult> {
  const url = project.smartReplyWebhook || project.globalWebhook;
  if (!url) throw invalidRequest('the project has no global_webhook or smart_reply_webhook to test');
  const payload = JSON.stringify(inboundVariables(sampleInbound(project, now), url));
  const { outcome, response } = await caller.call({ url, format: project.webhookFormat, payload, eventId: newEventId(), secret: project.webhookSecret, attempt: 1 });
  return {
    url,
    isDelivered: outcome.isDelivered,
    responseCode: outcome.responseCode,
    latencyMs: outcome.latencyMs,
    responseBody: response?.body.slice(0, 2000) ?? '',
    error: outcome.isDelivered ? '' : outcome.error,
    reply: outcome.isDelivered ? outcome.reply : null,
  };
}
