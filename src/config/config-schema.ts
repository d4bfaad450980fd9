// Every configuration key: its type, default, environment name and description. docs/configuration.md
// is checked against this list by a test.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { APPLICATION_IDS, BILLING_PLANS, DEFAULT_RETRY_SCHEDULE, SCHEDULE_PATTERN, parseCredits, parseSecretKey } from '../core/index.js';
import { TrustProxySchema, parseTrustProxy } from './trust-proxy-setting.js';
import { parseDatabaseUrl } from './database-url-setting.js';

export interface ConfigKey<T extends TSchema = TSchema> {
  /** Environment variable; the CLI flag is derived from it (SWITCHBOARD_DATA_DIR → --data-dir). */
  env: string;
  schema: T;
  default: Static<T>;
  description: string;
  /** Turns text (environment, flag, or a string in the config file) into a value, or answers a problem. */
  parse?: (text: string) => { value: Static<T> } | { problem: string };
  isSecret?: boolean;
}

function key<T extends TSchema>(definition: ConfigKey<T>): ConfigKey<T> {
  return definition;
}

const Micros = Type.Integer({ minimum: 0 });
const PriceList = Type.Record(Type.String({ pattern: '^\\d+$' }), Micros);

/** "1=0.005,3=0.01" → { 1: 5000, 3: 10000 } in micro-credits, checking each id against `allowed`. */
function priceListParser(allowed: readonly number[], what: string) {
  return (text: string): { value: Record<string, number> } | { problem: string } => {
    const value: Record<string, number> = {};
    for (const pair of text.split(',').map((part) => part.trim()).filter(Boolean)) {
      const [id = '', amount = ''] = pair.split('=').map((part) => part.trim());
      if (!allowed.includes(Number(id))) return { problem: `'${id}' is not a known ${what} (${allowed.join(', ')})` };
      const micros = parseCredits(amount);
      if (micros === undefined) return { problem: `'${amount}' is not a credit amount (up to 6 decimals)` };
      value[id] = micros;
    }
    return { value };
  };
}

function creditsParser(text: string): { value: number } | { problem: string } {
  const micros = parseCredits(text);
  return micros === undefined ? { problem: `'${text}' is not a credit amount (up to 6 decimals)` } : { value: micros };
}

export const CONFIG_KEYS = {
  port: key({ env: 'PORT', schema: Type.Integer({ minimum: 0, maximum: 65535 }), default: 8080, description: 'TCP port of the HTTP API (0 picks a free port).' }),
  host: key({ env: 'HOST', schema: Type.String({ minLength: 1 }), default: '0.0.0.0', description: 'Address the HTTP API listens on.' }),
  publicUrl: key({
    env: 'SWITCHBOARD_PUBLIC_URL',
    schema: Type.String(),
    default: '',
    description: 'URL clients and phones use to reach the gateway (put in pairing QR codes and the first-start curl). Empty: http://localhost:PORT.',
  }),
  databaseUrl: key({
    env: 'DATABASE_URL',
    schema: Type.String(),
    default: '',
    description: 'postgres://user@host:port/db for PostgreSQL; sqlite:<file> for a given SQLite file; empty for SQLite at SWITCHBOARD_DATA_DIR/switchboard.db. Any other form is refused at start-up.',
    parse: parseDatabaseUrl,
    isSecret: true,
  }),
  dataDir: key({ env: 'SWITCHBOARD_DATA_DIR', schema: Type.String({ minLength: 1 }), default: './data', description: 'Directory for the embedded SQLite database and other local state.' }),
  dbPoolSize: key({ env: 'SWITCHBOARD_DB_POOL_SIZE', schema: Type.Integer({ minimum: 1, maximum: 200 }), default: 10, description: 'PostgreSQL connections per gateway process.' }),
  masterToken: key({
    env: 'SWITCHBOARD_MASTER_TOKEN',
    schema: Type.Union([Type.Literal(''), Type.String({ minLength: 20, maxLength: 256 })]),
    default: '',
    description: 'The account master token for pm/* endpoints (20 to 256 characters). Empty: generated on first start and printed once.',
    parse: (text) => (text === '' || (text.length >= 20 && text.length <= 256) ? { value: text } : { problem: `must be 20 to 256 characters long (got ${text.length}), or empty to have one generated` }),
    isSecret: true,
  }),
  secretKey: key({
    env: 'SWITCHBOARD_SECRET_KEY',
    schema: Type.String(),
    default: '',
    description:
      'Key that seals stored secrets (WhatsApp Web credentials, webhook secrets): 64 hex characters or base64 of 32 bytes. Empty: generated into SWITCHBOARD_DATA_DIR/secret.key on first start. Every PostgreSQL node needs the same key.',
    parse: (text) => (text === '' || parseSecretKey(text) ? { value: text.trim() } : { problem: 'must be 64 hex characters or base64 of 32 bytes' }),
    isSecret: true,
  }),
  secretKeyPrevious: key({
    env: 'SWITCHBOARD_SECRET_KEY_PREVIOUS',
    schema: Type.String(),
    default: '',
    description: 'Comma-separated former secret keys, used only to open what they sealed (rotation); start-up re-seals with SWITCHBOARD_SECRET_KEY.',
    parse: (text) =>
      text.split(',').every((part) => part.trim() === '' || parseSecretKey(part)) ? { value: text.trim() } : { problem: 'each key must be 64 hex characters or base64 of 32 bytes' },
    isSecret: true,
  }),
  allowPrivateUrls: key({
    env: 'SWITCHBOARD_ALLOW_PRIVATE_URLS',
    schema: Type.Boolean(),
    default: false,
    description: 'Allow webhook and media URLs on loopback, private, link-local or reserved addresses (local setups and tests).',
  }),
  logLevel: key({
    env: 'LOG_LEVEL',
    schema: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level))),
    default: 'info',
    description: 'Log level: fatal, error, warn, info, debug, trace or silent. Logs are JSON lines on stderr.',
  }),
  bodyLimitBytes: key({
    env: 'SWITCHBOARD_BODY_LIMIT',
    schema: Type.Integer({ minimum: 1024 }),
    default: 32 * 1024 * 1024,
    description: 'Largest request body in bytes; larger bodies are answered 410.',
  }),
  requestTimeoutMs: key({
    env: 'SWITCHBOARD_REQUEST_TIMEOUT_MS',
    schema: Type.Integer({ minimum: 100 }),
    default: 30_000,
    description: 'Time a client has to send a whole request, headers and body; a slower one is answered HTTP 408 (status 410) and disconnected. Raise it for slow clients that send large bodies.',
  }),
  trustProxy: key({
    env: 'SWITCHBOARD_TRUST_PROXY',
    schema: TrustProxySchema,
    default: 0,
    parse: parseTrustProxy,
    description:
      'Proxies allowed to name the client address in X-Forwarded-For: the number of proxy hops in front of the gateway (1 for one reverse proxy), or their addresses, CIDR ranges or loopback/linklocal/uniquelocal, comma-separated. 0: none, the connection address is the client. Token IP allow-lists and the auth throttle use the result. `true` is refused: it trusted every hop.',
  }),
  tokenCacheTtlMs: key({
    env: 'SWITCHBOARD_TOKEN_CACHE_TTL_MS',
    schema: Type.Integer({ minimum: 0 }),
    default: 5000,
    description: 'How long token and project lookups are cached. Changes on the same node apply at once; other nodes see them within this time. 0 disables the cache.',
  }),
  authFailureLimit: key({
    env: 'SWITCHBOARD_AUTH_FAILURE_LIMIT',
    schema: Type.Integer({ minimum: 0 }),
    default: 20,
    description: 'Authentication failures one client address may make per minute before its requests get HTTP 429 (0 = no limit).',
  }),
  metricsToken: key({
    env: 'SWITCHBOARD_METRICS_TOKEN',
    schema: Type.String(),
    default: '',
    description: 'Bearer token that GET /metrics asks for (`Authorization: Bearer <token>`). Empty: /metrics answers only clients on a loopback address.',
    isSecret: true,
  }),
  initialCredits: key({
    env: 'SWITCHBOARD_INITIAL_CREDITS',
    schema: Micros,
    default: 100_000_000,
    parse: creditsParser,
    description: 'Credits put in the wallet when the account is created (decimal, e.g. 100 or 2.5).',
  }),
  messagePrices: key({
    env: 'SWITCHBOARD_MESSAGE_PRICES',
    schema: PriceList,
    default: { 1: 5000, 2: 5000, 3: 10000, 4: 20000, 5: 5000, 8: 10000, 10: 5000, 101: 10000, 121: 10000 },
    parse: priceListParser(APPLICATION_IDS, 'application'),
    description: 'Credits per message by application, as application=credits pairs. Default: 1=0.005,2=0.005,3=0.01,4=0.02,5=0.005,8=0.01,10=0.005,101=0.01,121=0.01. Unlimited plans (5, 6, 9) pay nothing per message.',
  }),
  planFees: key({
    env: 'SWITCHBOARD_PLAN_FEES',
    schema: PriceList,
    default: { 1: 0, 2: 5_000_000, 3: 10_000_000, 4: 20_000_000, 5: 35_000_000, 6: 350_000_000, 7: 30_000_000, 8: 60_000_000, 9: 120_000_000 },
    parse: priceListParser(BILLING_PLANS.map((plan) => plan.id), 'billing plan'),
    description: 'Credits per paid period by billing plan, as plan=credits pairs. Default: 1=0,2=5,3=10,4=20,5=35,6=350,7=30,8=60,9=120 (plan 6 is yearly, the others monthly).',
  }),
  createDemoProject: key({
    env: 'SWITCHBOARD_DEMO_PROJECT',
    schema: Type.Boolean(),
    default: true,
    description: 'On first start, create a demo project with an API token and print how to use it.',
  }),
  maxRecipients: key({
    env: 'SWITCHBOARD_MAX_RECIPIENTS',
    schema: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    default: 10_000,
    description: 'Recipients (`data` entries) one push may have; more answers 410.',
  }),
  pushRateLimit: key({
    env: 'SWITCHBOARD_PUSH_RATE_LIMIT',
    schema: Type.Integer({ minimum: 0 }),
    default: 0,
    description: 'Push and conference-request requests one project may make per minute on each gateway process; beyond it HTTP 429 (0 = no limit).',
  }),
  idempotencyTtlMs: key({
    env: 'SWITCHBOARD_IDEMPOTENCY_TTL_MS',
    schema: Type.Integer({ minimum: 60_000 }),
    default: 86_400_000,
    description: 'How long an Idempotency-Key is remembered: a retried push within this time gets the first answer and is not queued or charged again.',
  }),
  writeBatchMessages: key({
    env: 'SWITCHBOARD_WRITE_BATCH_MESSAGES',
    schema: Type.Integer({ minimum: 1 }),
    default: 5000,
    description: 'Messages written per database transaction when concurrent pushes are grouped (one larger push is still written whole).',
  }),
  deviceHeartbeatMs: key({
    env: 'SWITCHBOARD_DEVICE_HEARTBEAT_MS',
    schema: Type.Integer({ minimum: 1000 }),
    default: 30_000,
    description: 'How often paired devices send a status heartbeat (told to them in `welcome`), and the WebSocket ping interval.',
  }),
  deviceOfflineMs: key({
    env: 'SWITCHBOARD_DEVICE_OFFLINE_MS',
    schema: Type.Integer({ minimum: 1000 }),
    default: 90_000,
    description: 'A device silent this long is marked offline and disconnected; messages it held unsent go back to the queue for another device.',
  }),
  appPhonePresenceMs: key({
    env: 'SWITCHBOARD_APP_PHONE_PRESENCE_MS',
    schema: Type.Integer({ minimum: 1000 }),
    default: 1_200_000,
    description: 'A phone running the SMS Gateway for Android app without an open event stream is given messages for this long after its last request (the app polls every 15 minutes when it has no stream).',
  }),
  appPhoneDelayMs: key({
    env: 'SWITCHBOARD_APP_PHONE_DELAY_MS',
    schema: Type.Integer({ minimum: 0 }),
    default: 10_000,
    description: 'The pause between two messages handed to one phone running the SMS Gateway for Android app (the app declares none; 10 s is the pace the Picky docs advise for phones).',
  }),
  deviceHelloTimeoutMs: key({
    env: 'SWITCHBOARD_DEVICE_HELLO_TIMEOUT_MS',
    schema: Type.Integer({ minimum: 100 }),
    default: 10_000,
    description: 'A device connection that sends no `hello` within this time is refused and closed.',
  }),
  deviceMaxInFlight: key({
    env: 'SWITCHBOARD_DEVICE_MAX_IN_FLIGHT',
    schema: Type.Integer({ minimum: 1, maximum: 10_000 }),
    // Sized for a fast device's report round trip under load (about 4 000 messages/s × 25-60 ms): at 100
    // the window filled and most messages took the queue instead of the direct hand-over (docs/performance.md).
    default: 250,
    description: 'Messages sent to one device and not yet reported sent, at most (flow control).',
  }),
  dispatchPollMs: key({
    env: 'SWITCHBOARD_DISPATCH_POLL_MS',
    schema: Type.Integer({ minimum: 50 }),
    default: 1000,
    description: 'How often each gateway looks at the queues of projects whose devices it holds, besides the immediate wake-ups; with several nodes on one PostgreSQL, the longest a push accepted by another node waits when its wake-up was missed.',
  }),
  // Calls (issue 6).
  callAnswerTimeoutMs: key({
    env: 'SWITCHBOARD_CALL_ANSWER_TIMEOUT_MS',
    schema: Type.Integer({ minimum: 1000 }),
    default: 120_000,
    description: 'A conference member not answered this long after the conference was handed to a phone is marked cancelled (status 5).',
  }),
  callMaxDurationMs: key({
    env: 'SWITCHBOARD_CALL_MAX_DURATION_MS',
    schema: Type.Integer({ minimum: 60_000 }),
    default: 14_400_000,
    description: 'A conference member still in progress this long after the conference was handed to a phone, with no outcome reported, is marked cancelled (status 5), so a phone that never comes back cannot hold its call queue for ever.',
  }),
  webhookRetrySchedule: key({
    env: 'SWITCHBOARD_WEBHOOK_RETRY_SCHEDULE',
    schema: Type.String({ pattern: SCHEDULE_PATTERN }),
    default: DEFAULT_RETRY_SCHEDULE,
    description: "Waits between webhook attempts after a failure, e.g. `1m,15m,2h,6h` (units ms, s, m, h, d); after the last the delivery is `exhausted`. A project may set its own (`webhook_retry_schedule`).",
  }),
  webhookTimeoutMs: key({
    env: 'SWITCHBOARD_WEBHOOK_TIMEOUT_MS',
    schema: Type.Integer({ minimum: 100, maximum: 600_000 }),
    default: 30_000,
    description: 'A webhook call that has not been answered within this time is a failed attempt.',
  }),
  webhookConcurrency: key({
    env: 'SWITCHBOARD_WEBHOOK_CONCURRENCY',
    schema: Type.Integer({ minimum: 1, maximum: 10_000 }),
    default: 256,
    description: 'Webhook calls in flight at most on each gateway process (also the keep-alive connections per receiving origin).',
  }),
  webhookConcurrencyPerOrigin: key({
    env: 'SWITCHBOARD_WEBHOOK_CONCURRENCY_PER_ORIGIN',
    schema: Type.Integer({ minimum: 1, maximum: 10_000 }),
    default: 32,
    description: "Webhook calls of one project to one origin (scheme, host, port) in flight at most on each gateway process: a receiver that hangs holds this many slots, and other projects' calls go on.",
  }),
  webhookPollMs: key({
    env: 'SWITCHBOARD_WEBHOOK_POLL_MS',
    schema: Type.Integer({ minimum: 20 }),
    default: 1000,
    description: 'How often due webhook retries and delayed instant replies are looked for (new calls are sent at once).',
  }),
  webhookBatchMs: key({
    env: 'SWITCHBOARD_WEBHOOK_BATCH_MS',
    schema: Type.Integer({ minimum: 0, maximum: 60_000 }),
    default: 1000,
    description: 'Delivery reports of one project wait at most this long to travel together in one event webhook call.',
  }),
  webhookBatchMax: key({
    env: 'SWITCHBOARD_WEBHOOK_BATCH_MAX',
    schema: Type.Integer({ minimum: 1, maximum: 10_000 }),
    default: 100,
    description: 'Delivery reports in one event webhook call at most.',
  }),
  billingIntervalMs: key({
    env: 'SWITCHBOARD_BILLING_INTERVAL_MS',
    schema: Type.Integer({ minimum: 1000 }),
    default: 3_600_000,
    description: 'How often paid plan periods are renewed (or projects expired when the wallet cannot pay).',
  }),
  // WhatsApp Web Automation (application 10).
  whatsappWebGapMinMs: key({
    env: 'SWITCHBOARD_WHATSAPP_WEB_GAP_MIN_MS',
    schema: Type.Integer({ minimum: 0 }),
    default: 4000,
    description: 'Shortest gap between two messages of one WhatsApp Web session; each gap is random between min and max (a channel setting may override both).',
  }),
  whatsappWebGapMaxMs: key({
    env: 'SWITCHBOARD_WHATSAPP_WEB_GAP_MAX_MS',
    schema: Type.Integer({ minimum: 0 }),
    default: 12000,
    description: 'Longest gap between two messages of one WhatsApp Web session (a value below the minimum counts as the minimum).',
  }),
  whatsappWebMaxAttempts: key({
    env: 'SWITCHBOARD_WHATSAPP_WEB_MAX_ATTEMPTS',
    schema: Type.Integer({ minimum: 1, maximum: 1000 }),
    default: 10,
    description: 'Sends of one WhatsApp Web message that may fail with a passing error (media server down, socket dropped) before it fails for good and is refunded.',
  }),
  whatsappWebReconnectMinMs: key({
    env: 'SWITCHBOARD_WHATSAPP_WEB_RECONNECT_MIN_MS',
    schema: Type.Integer({ minimum: 1 }),
    default: 2000,
    description: 'First wait before a dropped WhatsApp Web session reconnects; it doubles up to the maximum.',
  }),
  whatsappWebReconnectMaxMs: key({
    env: 'SWITCHBOARD_WHATSAPP_WEB_RECONNECT_MAX_MS',
    schema: Type.Integer({ minimum: 1 }),
    default: 120_000,
    description: 'Longest wait between reconnection attempts of a WhatsApp Web session.',
  }),
  whatsappWebLeaseMs: key({
    env: 'SWITCHBOARD_WHATSAPP_WEB_LEASE_MS',
    schema: Type.Integer({ minimum: 3000 }),
    default: 30_000,
    description: 'How long a node holds a WhatsApp Web session without renewing; another node may take it over after that.',
  }),
  whatsappWebQrWaitMs: key({
    env: 'SWITCHBOARD_WHATSAPP_WEB_QR_WAIT_MS',
    schema: Type.Integer({ minimum: 0, maximum: 60_000 }),
    default: 5000,
    description: 'How long the QR API waits for the first QR code of a session it just started.',
  }),
  whatsappWebMediaMaxBytes: key({
    env: 'SWITCHBOARD_WHATSAPP_WEB_MEDIA_MAX_BYTES',
    schema: Type.Integer({ minimum: 1 }),
    default: 52_428_800,
    description: 'Largest media fetched from a push URL, and largest received media downloaded for the webhook.',
  }),
  whatsappWebMediaTimeoutMs: key({
    env: 'SWITCHBOARD_WHATSAPP_WEB_MEDIA_TIMEOUT_MS',
    schema: Type.Integer({ minimum: 100 }),
    default: 30_000,
    description: 'Time limit for fetching one media URL of a push, and for downloading one received media item.',
  }),
  // Group APIs: WhatsApp bans numbers that create groups or change members too quickly.
  groupActionsPerHour: key({
    env: 'SWITCHBOARD_GROUP_ACTIONS_PER_HOUR',
    schema: Type.Integer({ minimum: 0, maximum: 100_000 }),
    default: 60,
    description: 'Group changes (create, add or remove members and admins, subject, description, icon, invite link revoke, leave) one channel may make per hour, on the node that runs it; beyond it HTTP 429 (0 = no limit).',
  }),
  groupCreatesPerDay: key({
    env: 'SWITCHBOARD_GROUP_CREATES_PER_DAY',
    schema: Type.Integer({ minimum: 0, maximum: 100_000 }),
    default: 10,
    description: 'Groups one channel may create per day (create-whatsapp-group), on the node that runs it; beyond it HTTP 429 (0 = no limit).',
  }),
  // Meta channels: WhatsApp Cloud API (applications 8, 101, 121) and Messenger (5).
  metaGraphUrl: key({
    env: 'SWITCHBOARD_META_GRAPH_URL',
    schema: Type.String({ pattern: '^https?://' }),
    default: 'https://graph.facebook.com/v21.0',
    description: "Meta's Graph API base URL with its version. Configuration, not user input: the private-URL policy does not apply to it (tests point it at a local fake).",
  }),
  metaGraphTimeoutMs: key({
    env: 'SWITCHBOARD_META_GRAPH_TIMEOUT_MS',
    schema: Type.Integer({ minimum: 100 }),
    default: 20_000,
    description: 'Time limit for one Graph API call (a send, an upload, a media download).',
  }),
  metaMessagesPerSecond: key({
    env: 'SWITCHBOARD_META_MESSAGES_PER_SECOND',
    schema: Type.Number({ exclusiveMinimum: 0, maximum: 10_000 }),
    default: 80,
    description: "Messages per second sent through one Meta channel (a WhatsApp number's default throughput is 80); a channel's `messages_per_second` setting overrides it.",
  }),
  metaMaxInFlight: key({
    env: 'SWITCHBOARD_META_MAX_IN_FLIGHT',
    schema: Type.Integer({ minimum: 1, maximum: 1000 }),
    default: 16,
    description: 'Graph calls one Meta channel may have open at once.',
  }),
  metaMaxAttempts: key({
    env: 'SWITCHBOARD_META_MAX_ATTEMPTS',
    schema: Type.Integer({ minimum: 1, maximum: 1000 }),
    default: 10,
    description: 'Sends of one Meta message that may fail with a passing error (rate limit 130429, Meta unavailable) before it fails for good and is refunded.',
  }),
  metaTemplateSyncMs: key({
    env: 'SWITCHBOARD_META_TEMPLATE_SYNC_MS',
    schema: Type.Integer({ minimum: 1000 }),
    default: 900_000,
    description: "How often WhatsApp templates are read from Meta (verdicts missed, templates made in WhatsApp Manager) and templates Meta could not be asked about are submitted.",
  }),
} as const;

export type ConfigKeyName = keyof typeof CONFIG_KEYS;
export type Config = { readonly [K in ConfigKeyName]: Static<(typeof CONFIG_KEYS)[K]['schema']> };

export function flagName(env: string): string {
  return env.replace(/^SWITCHBOARD_/, '').toLowerCase().replaceAll('_', '-');
}
