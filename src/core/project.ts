// A project: one customer's configuration (service, plan, webhooks, license key) and its API tokens.
import type { Service } from './billing-plans.js';
import type { DateFormat } from './project-time.js';

export const PROJECT_STATUSES = ['Active', 'Expired', 'Delete'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];
export type WebhookFormat = 'json' | 'form';

export interface Project {
  id: number;
  accountId: number;
  name: string;
  number: string;
  companyName: string;
  country: string;
  timeZone: string;
  dateFormat: DateFormat;
  service: Service;
  billingPlan: number;
  status: ProjectStatus;
  licenseKey: string;
  globalWebhook: string;
  eventWebhook: string;
  smartReplyWebhook: string;
  webhookFormat: WebhookFormat;
  /** Signs every webhook call (HMAC-SHA256); shown to the owner, rotatable. */
  webhookSecret: string;
  /** This project's webhook retry schedule ("1m,15m,2h,6h"); empty: the gateway's default. */
  webhookRetrySchedule: string;
  notes: string;
  /** When the paid period ends (epoch ms); null for plans without a period. */
  nextBillingAt: number | null;
  createdAt: number;
  updatedAt: number;
}

export type NewProject = Omit<Project, 'id' | 'createdAt' | 'updatedAt'>;

export type ProjectChanges = Partial<
  Pick<Project, 'status' | 'billingPlan' | 'service' | 'nextBillingAt' | 'globalWebhook' | 'eventWebhook' | 'smartReplyWebhook' | 'webhookFormat' | 'webhookSecret' | 'webhookRetrySchedule'>
>;

export type ApiTokenStatus = 'active' | 'disabled' | 'deleted';

export interface ApiToken {
  id: number;
  projectId: number;
  tokenHash: string;
  hint: string;
  ipAllowList: string[];
  status: ApiTokenStatus;
  createdAt: number;
  updatedAt: number;
}

export type NewApiToken = Omit<ApiToken, 'id' | 'createdAt' | 'updatedAt'>;
