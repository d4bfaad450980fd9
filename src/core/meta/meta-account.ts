// A Meta channel's link to Meta: which phone number (WhatsApp Cloud API) or Page (Messenger) it is, and
// its credentials, kept sealed (access token, app secret) or hashed (verify token) in storage.
import { createHash } from 'node:crypto';
import type { Application } from '../applications.js';

/** WhatsApp Official: Cloud API numbers (8 WhatsApp Official, 101 Cloud API, 121 managed Business API). */
export const CLOUD_API_KINDS: readonly Application[] = [8, 101, 121];
export const MESSENGER_KIND: Application = 5;
export const META_KINDS: readonly Application[] = [5, ...CLOUD_API_KINDS];

export function isMetaKind(kind: number): boolean {
  return (META_KINDS as readonly number[]).includes(kind);
}

export function isCloudApiKind(kind: number): boolean {
  return (CLOUD_API_KINDS as readonly number[]).includes(kind);
}

export interface MetaAccount {
  channelId: number;
  projectId: number;
  kind: Application;
  /** The WhatsApp phone_number_id, or the Facebook Page id. */
  externalId: string;
  /** The WhatsApp Business Account id ('' for Messenger). */
  wabaId: string;
  /** Sealed with the secret box. */
  accessToken: string;
  /** Sealed with the secret box. */
  appSecret: string;
  /**
   * SHA-256 of the verify token: Meta's verification request is matched against it and the token itself
   * is never needed again, so it is not kept in any form that can be read back.
   */
  verifyTokenHash: string;
}

export function hashVerifyToken(token: string): string {
  return createHash('sha256').update(`meta verify token\0${token}`).digest('hex');
}

/** `EAAG…wxyz` → `EAAG…wxyz` shortened: the first 4 and last 4 characters, never the whole credential. */
export function maskCredential(value: string): string {
  if (value.length <= 12) return '****';
  return `${value.slice(0, 4)}…${value.slice(-4)}`;
}
