// The routes that are not Picky endpoints, as /openapi.json describes them: probes, metrics, this API's own
// description, media downloads and Meta's callback. They speak plain HTTP statuses.
const text = (description: string) => ({ description, content: { 'text/plain': { schema: { type: 'string' } } } });
const json = (description: string) => ({ description, content: { 'application/json': { schema: { type: 'object', additionalProperties: true } } } });
const binary = (description: string) => ({ description, content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } });
const refused = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/PickyStatus401' } } } });
const mediaId = [{ name: 'mediaId', in: 'path', required: true, schema: { type: 'string' } }];

export const OTHER_PATHS: Record<string, Record<string, unknown>> = {
  '/healthz': { get: { tags: ['Operations'], operationId: 'healthz', summary: 'Liveness: the process answers', responses: { '200': json('{"status":"ok"}') } } },
  '/readyz': {
    get: { tags: ['Operations'], operationId: 'readyz', summary: 'Readiness: the database answers and no migration is pending', responses: { '200': json('{"status":"ready"}'), '503': json('{"status":"not ready","reason":…}') } },
  },
  '/metrics': {
    get: {
      tags: ['Operations'],
      operationId: 'metrics',
      summary: 'Prometheus metrics (text exposition format); see docs/operations.md',
      description: 'With SWITCHBOARD_METRICS_TOKEN set, needs `Authorization: Bearer <token>`; unset, answers loopback clients only.',
      security: [{ metricsToken: [] }],
      responses: { '200': text('metrics'), '401': refused('token missing or wrong, or a remote client while no token is set') },
    },
  },
  '/openapi.json': { get: { tags: ['Operations'], operationId: 'openapi', summary: 'This document', responses: { '200': json('OpenAPI 3.1') } } },
  '/docs': { get: { tags: ['Operations'], operationId: 'docs', summary: 'The API reference page (works offline)', responses: { '200': { description: 'HTML', content: { 'text/html': {} } } } } },
  '/docs/{asset}': {
    get: {
      tags: ['Operations'],
      operationId: 'docsAsset',
      summary: "The reference page's scripts and styles",
      parameters: [{ name: 'asset', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { '200': binary('the asset'), '404': text('no such asset') },
    },
  },
  '/bridge/v1/media/{mediaId}': {
    get: {
      tags: ['Devices'],
      operationId: 'deviceMedia',
      summary: 'Media uploaded with a push (base64), fetched by a paired device with its device token',
      parameters: mediaId,
      security: [{ deviceToken: [] }],
      responses: { '200': binary('the media'), '401': refused('not a device token'), '404': json('no such media for this device') },
    },
  },
  '/whatsapp-web/media/{mediaId}': {
    get: { tags: ['WhatsApp Web'], operationId: 'whatsappWebMedia', summary: 'Media a WhatsApp Web session received (the unguessable id is the credential)', parameters: mediaId, responses: { '200': binary('the media'), '404': json('no such media') } },
  },
  '/webhooks/meta': {
    get: {
      tags: ['Channels'],
      operationId: 'metaWebhookVerify',
      summary: "Meta's subscription check (hub.mode, hub.verify_token, hub.challenge)",
      responses: { '200': text('the challenge'), '403': text('verify token does not match a channel') },
    },
    post: {
      tags: ['Channels'],
      operationId: 'metaWebhook',
      summary: "Meta's webhook calls (WhatsApp Cloud API, Messenger), checked with X-Hub-Signature-256",
      requestBody: { content: { 'application/json': { schema: { type: 'object' } } } },
      responses: { '200': text('EVENT_RECEIVED'), '400': text('not a Meta webhook body'), '401': text('signature missing or wrong') },
    },
  },
  '/webhooks/meta/media/{mediaId}': {
    get: { tags: ['Channels'], operationId: 'metaMedia', summary: 'Media received through Meta (the unguessable id is the credential)', parameters: mediaId, responses: { '200': binary('the media'), '404': text('no such media') } },
  },
};

/**
 * Route trees the document leaves out on purpose, each with its reason (the coverage test skips a path
 * equal to one or under it): the web console's page and its own API, reached with its session cookie; the
 * mobile API phones running the SMS Gateway for Android app call.
 */
export const UNDOCUMENTED_PREFIXES: Record<string, string> = {
  '/console': "the web console (docs/console.md): its page, assets and private API behind its session cookie, not the public API",
  '/api/mobile/v1': 'the mobile API of the SMS Gateway for Android app (docs/devices.md): the protocol of that app in private-server mode, called by phones, not by API clients',
};

export const SECURITY_SCHEMES = {
  metricsToken: { type: 'http', scheme: 'bearer', description: 'SWITCHBOARD_METRICS_TOKEN' },
  deviceToken: { type: 'http', scheme: 'bearer', description: "a paired device's token" },
};
