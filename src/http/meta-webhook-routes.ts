// Meta's callback URL, one per gateway (`/webhooks/meta`): GET answers the subscription check, POST takes
// webhooks (signature checked, events stored, 200 at once), and received media is served behind its
// unguessable id. These speak Meta's protocol, not Picky's: plain HTTP statuses, no `status` field.
import type { FastifyInstance } from 'fastify';
import { sendMedia } from './media-reply.js';

export interface MetaWebhookReceiver {
  verify(query: Record<string, unknown>): Promise<string | undefined>;
  receive(body: Buffer, signature: string | undefined): Promise<{ status: 200; stored: number } | { status: 400 | 401; reason: string }>;
}

export interface MetaWebhookRouteDeps {
  metaWebhooks: MetaWebhookReceiver;
  metaMedia(id: string): Promise<{ mime: string; data: Buffer } | undefined>;
}

export function registerMetaWebhookRoutes(app: FastifyInstance, deps: MetaWebhookRouteDeps): void {
  app.get('/webhooks/meta', async (request, reply) => {
    const challenge = await deps.metaWebhooks.verify(request.query as Record<string, unknown>);
    if (challenge === undefined) return reply.code(403).type('text/plain').send('verify token does not match a channel');
    return reply.code(200).type('text/plain').send(challenge);
  });

  app.post('/webhooks/meta', async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const header = request.headers['x-hub-signature-256'];
    const result = await deps.metaWebhooks.receive(body, typeof header === 'string' ? header : undefined);
    if (result.status !== 200) return reply.code(result.status).type('text/plain').send(result.reason);
    return reply.code(200).type('text/plain').send('EVENT_RECEIVED');
  });

  app.get('/webhooks/meta/media/:mediaId', async (request, reply) => {
    const id = (request.params as { mediaId: string }).mediaId;
    const media = /^[A-Za-z0-9_-]{16,64}$/.test(id) ? await deps.metaMedia(id) : undefined;
    if (!media) return reply.code(404).type('text/plain').send('no such media');
    return sendMedia(reply, { mime: media.mime, fileName: '', data: media.data }, 'private, max-age=86400');
  });
}
