// Builds the OpenAPI 3.1 document from the endpoint catalog (each route's own TypeBox schema and `doc`), the
// documentation schemas of webhooks and answers, and the few routes that are not Picky endpoints.
import { Type, type TSchema } from '@sinclair/typebox';
import { STATUS_MESSAGES, type StatusCode } from '../core/index.js';
import { codesOf, type DocumentedEndpoint } from './endpoint-doc.js';
import { EventWebhook, InboundWebhook, InstantReply, pickyAnswer } from './doc-schemas.js';
import { OTHER_PATHS, SECURITY_SCHEMES } from './openapi-other-paths.js';

export const PICKY_PATH_PREFIX = '/api/v2/';

/** `pm/create-project` → `PmCreateProject`: names of operations and component schemas. */
export function pascalName(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join('');
}

/** A plain JSON copy: TypeBox keeps its markers under symbols, which JSON leaves out. */
function plain(schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

const INTRO = `Switchboard's HTTP API: wire-compatible with the Picky Assist API v2, plus Switchboard's own extras.

**Transport.** Every endpoint takes \`POST\`, under \`/api/v2/<endpoint>\` and, identically, under \`/app/api/v2/<endpoint>\` (the older path). The body is JSON; clients that cannot send JSON may send the same JSON in a form field or query parameter named \`data\` (\`data=<JSON>\`), or plain form fields. Authentication is the \`token\` field in the body: a project API token, or the account's master token for \`pm/*\`. Numeric fields may come as numbers or numeric strings, and the documented \`"priority "\` spelling (with a space) is accepted.

**Outcomes.** The JSON \`status\` field carries the outcome (\`100\` = success); HTTP status is 200 for every documented outcome, 429 when a limit drops the request and 500 for a bug (\`status\` 429 / 500 in the body too). Refusals keep the contract's exact \`message\` and say what was wrong in \`detail\`. Each operation lists the statuses it can answer.

**Webhooks.** See the \`webhooks\` section: inbound messages go to the project's global (or smart-reply) webhook, state changes to its event webhook. Every call is signed: \`X-Switchboard-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">\` keyed with the project's webhook secret, \`X-Switchboard-Timestamp\` (Unix seconds), \`X-Switchboard-Event-Id\` (deduplicate on it), \`X-Switchboard-Attempt\`.

**Device WebSocket protocol.** Phones and bridge agents (applications 1–4) connect to \`ws://<gateway>/bridge/v1\` and exchange JSON frames, one per WebSocket text message (at most 256 KiB). The device speaks first with \`hello\` (its device token, \`device_id\`, protocol version \`v\` 1 or 2); the gateway answers \`welcome\` (heartbeat interval, limits) or \`refused\`. The gateway hands over messages with \`send\` (version 2: \`sends\` batches); the device acknowledges with \`ack\` and reports \`sent\`, \`delivered\` or \`failed\` (version 2: \`reports\` batches), which the gateway confirms with \`report_ack\` (\`report_acks\`). The device sends \`status\` heartbeats (battery, signal, queue counts), inbound messages as \`inbound\`, group membership as \`group_event\`, and call progress for conferences; the gateway sends \`command\` frames (device-action) and \`call\` frames. Malformed frames are answered with \`error\`. Unacknowledged messages are handed over again after a reconnect and deduplicated by \`msg_id\`. The full frame list is in docs/device-protocol.md.`;

function requestBody(schema: TSchema): Record<string, unknown> {
  const dataForm = {
    type: 'object',
    properties: { data: { type: 'string', description: 'the same JSON body, as text ("Normal POST method")', contentMediaType: 'application/json' } },
    required: ['data'],
  };
  return {
    required: true,
    content: {
      'application/json': { schema },
      'application/x-www-form-urlencoded': { schema: dataForm },
      'multipart/form-data': { schema: dataForm },
    },
  };
}

function operation(endpoint: DocumentedEndpoint, components: Record<string, unknown>): Record<string, unknown> {
  const name = pascalName(endpoint.name);
  const codes = codesOf(endpoint);
  const answered = codes.filter((code) => code !== 429 && code !== 500);
  components[`${name}Request`] = plain(endpoint.schema ?? endpoint.doc.request!);
  const isArrayAnswer = (endpoint.doc.response as { type?: string } | undefined)?.type === 'array';
  const success = isArrayAnswer ? endpoint.doc.response! : pickyAnswer([100], endpoint.doc.response);
  components[`${name}Answer`] = plain(success);
  const refusals = answered.filter((code) => code !== 100);
  const examples: Record<string, unknown> = {};
  if (endpoint.doc.example) examples.success = { summary: 'Success', value: endpoint.doc.example.response };
  for (const code of refusals) examples[`status${code}`] = { summary: `${code} ${STATUS_MESSAGES[code]}`, value: { status: code, message: STATUS_MESSAGES[code], detail: '…' } };
  const refusal = (code: StatusCode) => ({ $ref: `#/components/schemas/PickyStatus${code}` });
  return {
    operationId: name[0]!.toLowerCase() + name.slice(1),
    tags: [endpoint.doc.tag],
    summary: endpoint.doc.summary,
    description: [
      endpoint.doc.description ?? '',
      `Token: ${endpoint.auth === 'master' ? "the account's master token" : 'a project API token'}. Also served at \`/app/api/v2/${endpoint.name}\`.`,
      `Statuses: ${codes.map((code) => `\`${code}\` ${STATUS_MESSAGES[code]}`).join('; ')}.`,
    ]
      .filter(Boolean)
      .join('\n\n'),
    ...(endpoint.name === 'push' && {
      parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string' }, description: 'A retried push with the same key gets the first answer; nothing is queued or charged twice.' }],
    }),
    requestBody: { ...requestBody({ $ref: `#/components/schemas/${name}Request` } as unknown as TSchema), ...(endpoint.doc.example && { description: 'Example: see the JSON example.' }) },
    'x-picky-status-codes': codes,
    responses: {
      '200': {
        description: `Picky answer: ${answered.join(', ')}`,
        content: {
          'application/json': {
            schema: { oneOf: [{ $ref: `#/components/schemas/${name}Answer` }, ...refusals.map(refusal)] },
            ...(Object.keys(examples).length > 0 && { examples }),
          },
        },
      },
      '429': { description: 'Too Many Requests (authentication failures from this address, or the push rate limit)', content: { 'application/json': { schema: refusal(429) } } },
      '500': { description: 'Internal Error (a bug; the answer carries `request_id`)', content: { 'application/json': { schema: refusal(500) } } },
    },
  };
}

function withExampleRequest(endpoint: DocumentedEndpoint, op: Record<string, unknown>): Record<string, unknown> {
  if (!endpoint.doc.example) return op;
  const body = op.requestBody as { content: Record<string, Record<string, unknown>> };
  body.content['application/json']!.example = endpoint.doc.example.request;
  body.content['application/x-www-form-urlencoded']!.example = { data: JSON.stringify(endpoint.doc.example.request) };
  return op;
}

export function buildOpenApiDocument(endpoints: readonly DocumentedEndpoint[], version: string): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  for (const code of Object.keys(STATUS_MESSAGES).map(Number) as StatusCode[]) {
    schemas[`PickyStatus${code}`] = plain(
      Type.Object({ status: Type.Literal(code), message: Type.Literal(STATUS_MESSAGES[code]), detail: Type.Optional(Type.String()), request_id: Type.Optional(Type.String()) }, { additionalProperties: true, title: `${code} ${STATUS_MESSAGES[code]}` }),
    );
  }
  const paths: Record<string, unknown> = {};
  for (const endpoint of [...endpoints].sort((a, b) => a.name.localeCompare(b.name))) {
    paths[`${PICKY_PATH_PREFIX}${endpoint.name}`] = { post: withExampleRequest(endpoint, operation(endpoint, schemas)) };
  }
  Object.assign(paths, OTHER_PATHS);
  schemas.InboundWebhook = plain(InboundWebhook);
  schemas.InstantReply = plain(InstantReply);
  schemas.EventWebhook = plain(EventWebhook);
  const signatureHeaders = {
    'X-Switchboard-Signature': { schema: { type: 'string' }, description: 'sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">, keyed with the webhook secret' },
    'X-Switchboard-Timestamp': { schema: { type: 'string' }, description: 'Unix seconds when the attempt was signed' },
    'X-Switchboard-Event-Id': { schema: { type: 'string' }, description: 'the same on every attempt and replay: deduplicate on it' },
    'X-Switchboard-Attempt': { schema: { type: 'string' }, description: '1, 2, 3…' },
  };
  const webhookParameters = Object.entries(signatureHeaders).map(([name, header]) => ({ name, in: 'header', required: true, ...header }));
  return {
    openapi: '3.1.0',
    info: { title: 'Switchboard API', version, description: INTRO, license: { name: 'MIT', identifier: 'MIT' } },
    servers: [{ url: '/', description: 'this gateway' }],
    tags: ['Push', 'Reports', 'Devices', 'Conference', 'Templates', 'WhatsApp Web', 'Projects', 'Channels', 'Webhooks', 'Groups', 'Settings', 'Operations'].map((name) => ({ name })),
    paths,
    webhooks: {
      inbound: {
        post: {
          summary: 'Inbound message (global or smart-reply webhook)',
          description: 'JSON (webhook_format 1) or form-urlencoded with PHP-style nesting (webhook_format 2). A 2xx JSON answer with `message-out` and/or `media-url` is an instant reply to the sender.',
          parameters: webhookParameters,
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/InboundWebhook' } }, 'application/x-www-form-urlencoded': { schema: { $ref: '#/components/schemas/InboundWebhook' } } } },
          responses: { '200': { description: 'Received; an optional instant reply', content: { 'application/json': { schema: { $ref: '#/components/schemas/InstantReply' } } } } },
        },
      },
      event: {
        post: {
          summary: 'Events (event webhook): delivery reports (event_id 1), group membership (3), call status (11)',
          parameters: webhookParameters,
          requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/EventWebhook' } } } },
          responses: { '200': { description: 'Received (any 2xx; no body expected)' } },
        },
      },
    },
    components: { schemas, securitySchemes: SECURITY_SCHEMES },
  };
}
