// A webhook call in the durable outbox: what is posted where, and how far its delivery got.
import type { WebhookFormat } from '../project.js';

/** `inbound`: a received message to the global (or smart-reply) webhook; `event`: delivery reports and other events. */
export type WebhookKind = 'inbound' | 'event';
/** `pending` until the receiver answers 2xx (`delivered`) or the retry schedule runs out (`exhausted`). */
export type DeliveryState = 'pending' | 'delivered' | 'exhausted';
/** The instant reply a receiver answered with: none, waiting for its time, queued as a push, or refused. */
export type ReplyState = '' | 'pending' | 'queued' | 'failed';

export interface InstantReply {
  text: string;
  mediaUrl: string;
  /** 0: the channel the message came in on. */
  application: number;
  delaySeconds: number;
}

export interface WebhookDelivery {
  id: number;
  projectId: number;
  kind: WebhookKind;
  /** Stable across attempts and replays: receivers deduplicate by it. */
  eventId: string;
  url: string;
  format: WebhookFormat;
  /** The variables (inbound) or the event body, as JSON; rendered in `format` at send time. */
  payload: string;
  /** The inbound message this call reports (kind `inbound`), for the instant reply. */
  inboundId: number | null;
  /** Milliseconds to wait after each failed attempt, in order; after the last, the delivery is exhausted. */
  retrySchedule: number[];
  state: DeliveryState;
  attempts: number;
  nextAttemptAt: number;
  lastError: string;
  responseCode: number | null;
  latencyMs: number | null;
  deliveredAt: number | null;
  reply: InstantReply | null;
  replyState: ReplyState;
  replyDueAt: number | null;
  replyPushId: string;
  replyError: string;
  createdAt: number;
  updatedAt: number;
}

/** The deliveries of one project to some URLs (those of one origin, for a worker). */
export interface WebhookLane {
  projectId: number;
  urls: string[];
}

/** Which deliveries a claim may take: those of one lane, or those of no listed lane. */
export type WebhookLanes = { only: WebhookLane } | { except: WebhookLane[] };

export type NewWebhookDelivery = Pick<WebhookDelivery, 'projectId' | 'kind' | 'eventId' | 'url' | 'format' | 'payload' | 'inboundId' | 'retrySchedule'>;

/** What one attempt came to. */
export type AttemptOutcome =
  | { isDelivered: true; responseCode: number; latencyMs: number; reply: InstantReply | null }
  | { isDelivered: false; error: string; responseCode: number | null; latencyMs: number | null };
