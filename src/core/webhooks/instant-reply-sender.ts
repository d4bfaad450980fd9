// Queues a webhook's instant reply as an ordinary push to the sender of the inbound message: its own
// msg_id, credit, states and delivery reports. The push's idempotency key is the delivery's, so a
// reply whose outcome was lost (a crash between the push and its record) is never queued twice.
import { PickyError } from '../status-codes.js';
import type { Storage } from '../stores.js';
import type { PushService } from '../push/push-service.js';
import type { WebhookDelivery } from './webhook-delivery.js';

export type ReplyResult = { isQueued: true; pushId: string } | { isQueued: false; error: string };

export class InstantReplySender {
  constructor(private readonly deps: { storage: Storage; pushes: PushService }) {}

  async send(delivery: WebhookDelivery): Promise<ReplyResult> {
    const { stores } = this.deps.storage;
    const reply = delivery.reply!;
    const inbound = delivery.inboundId === null ? undefined : await stores.inbound.findById(delivery.inboundId);
    const project = await stores.projects.findById(delivery.projectId);
    const account = await stores.accounts.find();
    if (!inbound || !project || !account) return { isQueued: false, error: 'the inbound message or its project no longer exists' };
    // Application 0 answers on the channel the message came in on (its channel id routes exactly there).
    const application = reply.application || inbound.channelId || inbound.application;
    // Messenger senders are page-scoped ids, not phone numbers.
    const recipient = inbound.application === 5 ? { messenger_id: inbound.sender } : { number: inbound.sender };
    const raw = { application, globalmessage: reply.text, ...(reply.mediaUrl ? { globalmedia: reply.mediaUrl } : {}), data: [recipient] };
    try {
      const response = JSON.parse(await this.deps.pushes.submit({ account, project }, raw, `webhook-reply-${delivery.id}`)) as { push_id: string };
      return { isQueued: true, pushId: response.push_id };
    } catch (error) {
      if (error instanceof PickyError) return { isQueued: false, error: `${error.code} ${error.message}` };
      throw error;
    }
  }
}
