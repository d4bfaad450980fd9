// The tables of Meta channels as Kysely sees them (migration 0009); part of Schema.
import type { Generated } from 'kysely';

export interface MetaAccountRow {
  channel_id: number;
  project_id: number;
  kind: number;
  external_id: string;
  waba_id: string;
  /** Sealed with the secret box. */
  access_token: string;
  /** Sealed with the secret box. */
  app_secret: string;
  verify_token_hash: string;
  created_at: number;
  updated_at: number;
}

export interface MetaInboxRow {
  id: Generated<number>;
  channel_id: number;
  event_key: string;
  kind: string;
  payload: string;
  /** pending, done, failed (given up). */
  state: string;
  attempts: Generated<number>;
  last_error: Generated<string>;
  next_attempt_at: number;
  locked_until: Generated<number>;
  created_at: number;
  updated_at: number;
}

export interface MetaSentRow {
  message_id: number;
  channel_id: number;
  external_id: string;
  recipient: string;
  sent_at: number;
}

export interface MetaContactRow {
  channel_id: number;
  contact: string;
  last_inbound_at: number;
}

export interface MetaTemplateRow {
  id: Generated<number>;
  project_id: number;
  channel_id: number;
  template_id: string;
  graph_id: string;
  name: string;
  language: string;
  category: string;
  message_type: number;
  status: number;
  meta_status: string;
  reason: string;
  components: string;
  created_at: number;
  updated_at: number;
}

export interface MetaMediaRow {
  id: string;
  channel_id: number;
  mime: string;
  data: Buffer;
  created_at: number;
}

export interface MetaSchema {
  meta_accounts: MetaAccountRow;
  meta_inbox: MetaInboxRow;
  meta_sent: MetaSentRow;
  meta_contacts: MetaContactRow;
  meta_templates: MetaTemplateRow;
  meta_media: MetaMediaRow;
}
