// The tables as Kysely sees them: one row type per table. Times are epoch milliseconds (bigint),
// money is micro-credits (bigint); both fit a JS number exactly.
import type { Generated } from 'kysely';
import type { MetaSchema } from './meta-schema.js';

export interface AccountRow {
  id: number;
  master_token_hash: string;
  disabled_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface WalletRow {
  account_id: number;
  balance: number;
  updated_at: number;
}

export interface WalletEntryRow {
  id: Generated<number>;
  account_id: number;
  kind: string;
  amount: number;
  balance_after: number;
  reason: string;
  reference: string;
  project_id: number | null;
  created_at: number;
}

export interface ProjectRow {
  id: Generated<number>;
  account_id: number;
  name: string;
  number: string;
  company_name: string;
  country: string;
  time_zone: string;
  date_format: string;
  service: number;
  billing_plan: number;
  status: string;
  /** The license key sealed with the secret box (clear in rows from before sealing, until start-up seals them). */
  license_key: string;
  /** SHA-256 of the license key: what pairing looks up. */
  license_key_hash: string;
  global_webhook: string;
  event_webhook: string;
  smart_reply_webhook: string;
  webhook_format: string;
  /** Sealed with the secret box. */
  webhook_secret: string;
  /** Empty: the gateway's default schedule. */
  webhook_retry_schedule: string;
  notes: string;
  next_billing_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface ApiTokenRow {
  id: Generated<number>;
  project_id: number;
  token_hash: string;
  hint: string;
  /** JSON array of addresses and CIDR ranges; empty array = any address. */
  ip_allow_list: string;
  status: string;
  created_at: number;
  updated_at: number;
}

export interface ChannelRow {
  id: Generated<number>;
  project_id: number;
  kind: number;
  name: string;
  /** JSON object of channel-specific settings. */
  settings: string;
  status: string;
  created_at: number;
  updated_at: number;
}

export interface PushRow {
  id: number;
  project_id: number;
  channel_id: number;
  application: number;
  priority: number;
  message_type: number;
  message_count: number;
  total_credit: number;
  created_at: number;
}

export interface PushMediaRow {
  id: number;
  push_id: number;
  mime: string;
  kind: string;
  file_name: string;
  sha256: string;
  size: number;
  data: Buffer;
}

export interface MessageRow {
  id: number;
  push_id: number;
  project_id: number;
  channel_id: number;
  application: number;
  priority: number;
  recipient: string;
  kind: string;
  body: string;
  media_url: string;
  media_id: number | null;
  /** JSON of the kind-specific content, or null when there is none. */
  details: string | null;
  reference_number: string;
  quoted: string;
  credit: number;
  state: string;
  attempts: number;
  last_error: string;
  next_attempt_at: number | null;
  locked_by: string | null;
  locked_until: number | null;
  /** The device (devices.id) the message was last handed to. */
  device_id: number | null;
  created_at: number;
  updated_at: number;
}

export interface DeviceRow {
  id: Generated<number>;
  project_id: number;
  /** The device's own stable id (`device_id` in the protocol). */
  device_key: string;
  token_hash: string;
  phone_name: string;
  app_version: string;
  /** JSON array of the applications the device carries. */
  applications: string;
  delay_ms: number;
  /** JSON of the last `status` heartbeat. */
  last_status: string;
  is_online: number;
  node_id: string;
  last_seen_at: number;
  message_queue_paused: number;
  call_queue_paused: number;
  /** Members the device can join in one call (0: it cannot place conferences). */
  max_call_members: Generated<number>;
  /** 'bridge' (the WebSocket protocol) or 'android' (the SMS Gateway for Android app's mobile API). */
  transport: Generated<string>;
  /** App phones: the secret in the URL they post received SMS to; '' for bridge devices. */
  hook_secret: Generated<string>;
  created_at: number;
  updated_at: number;
}

export interface InboundMessageRow {
  id: Generated<number>;
  project_id: number;
  device_id: number;
  channel_id: number | null;
  application: number;
  external_id: string;
  sender: string;
  sender_name: string;
  type: number;
  body: string;
  media_url: string;
  quoted_msg_id: string;
  context_message_id: number | null;
  /** JSON of InboundDetails. */
  details: string;
  received_at: number;
  created_at: number;
}

export interface MessageEventRow {
  id: Generated<number>;
  message_id: number;
  state: string;
  error: string;
  at: number;
}

export interface IdempotencyKeyRow {
  project_id: number;
  key: string;
  response: string;
  created_at: number;
}

export interface WebhookDeliveryRow {
  id: Generated<number>;
  project_id: number;
  kind: string;
  event_id: string;
  url: string;
  format: string;
  payload: string;
  inbound_id: number | null;
  /** JSON array of milliseconds. */
  retry_schedule: string;
  state: string;
  attempts: number;
  next_attempt_at: number;
  /** Set while a worker holds the delivery; it is due again after this time if that worker died. */
  claimed_until: number | null;
  last_error: string;
  response_code: number | null;
  latency_ms: number | null;
  delivered_at: number | null;
  /** JSON of InstantReply, or ''. */
  reply: string;
  reply_state: string;
  reply_due_at: number | null;
  reply_push_id: string;
  reply_error: string;
  created_at: number;
  updated_at: number;
}

export interface WebhookEventItemRow {
  id: Generated<number>;
  project_id: number;
  item: string;
  created_at: number;
}

// Call conferences (migration 0005).
export interface ConferenceRow {
  /** The push id (a `pushes` row is written with the conference). */
  id: number;
  project_id: number;
  channel_id: number;
  priority: number;
  mute_gateway: number;
  record: number;
  member_count: number;
  total_credit: number;
  /** queued, dialing, done or cancelled. */
  state: string;
  /** The device the conference was handed to. */
  device_id: number | null;
  attempts: number;
  last_error: string;
  dispatched_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface CallRow {
  id: Generated<number>;
  conference_id: number;
  project_id: number;
  position: number;
  number: string;
  /** The documented status, 1 not started … 5 cancelled. */
  status: number;
  /** Seconds. */
  duration: number;
  reason: string;
  created_at: number;
  updated_at: number;
}

// WhatsApp Web sessions (migration 0006).
export interface WhatsAppWebSessionRow {
  channel_id: number;
  project_id: number;
  state: string;
  qr: string;
  pairing_code: string;
  connected_number: string;
  version: string;
  is_paired: number;
  /** JSON of the Baileys credentials (BufferJSON), null until a socket first ran. */
  creds: string | null;
  last_error: string;
  lease_node: string;
  lease_until: number;
  /** A WebCommand the lease holder is to carry out; '' when none. */
  pending_command: string;
  created_at: number;
  updated_at: number;
}

export interface WhatsAppWebKeyRow {
  channel_id: number;
  type: string;
  key_id: string;
  value: string;
  updated_at: number;
}

export interface WhatsAppWebSentRow {
  message_id: number;
  channel_id: number;
  wa_id: string;
  jid: string;
  kind: string;
  body: string;
  created_at: number;
}

export interface WhatsAppWebMediaRow {
  id: string;
  channel_id: number | null;
  url: string;
  mime: string;
  file_name: string;
  data: Buffer;
  created_at: number;
}

/** Gateway-wide values kept in the database (the secret key check). */
export interface GatewaySettingRow {
  name: string;
  value: string;
}

export interface ConsoleSessionRow {
  id_hash: string;
  account_id: number;
  master_token_hash: string;
  expires_at: number;
  created_at: number;
}

export interface Schema extends MetaSchema {
  accounts: AccountRow;
  wallets: WalletRow;
  wallet_entries: WalletEntryRow;
  projects: ProjectRow;
  api_tokens: ApiTokenRow;
  channels: ChannelRow;
  pushes: PushRow;
  push_media: PushMediaRow;
  messages: MessageRow;
  message_events: MessageEventRow;
  idempotency_keys: IdempotencyKeyRow;
  devices: DeviceRow;
  inbound_messages: InboundMessageRow;
  webhook_deliveries: WebhookDeliveryRow;
  webhook_event_items: WebhookEventItemRow;
  conferences: ConferenceRow;
  calls: CallRow;
  gateway_settings: GatewaySettingRow;
  whatsapp_web_sessions: WhatsAppWebSessionRow;
  whatsapp_web_keys: WhatsAppWebKeyRow;
  whatsapp_web_sent: WhatsAppWebSentRow;
  whatsapp_web_media: WhatsAppWebMediaRow;
  console_sessions: ConsoleSessionRow;
}
