// Projects in SQL.
import type { Kysely } from 'kysely';
import type { Service } from '../core/billing-plans.js';
import type { NewProject, Project, ProjectChanges, ProjectStatus, WebhookFormat } from '../core/project.js';
import type { DateFormat } from '../core/project-time.js';
import type { ProjectStore } from '../core/stores.js';
import { hashToken } from '../core/secrets.js';
import type { ProjectRow, Schema } from './schema.js';
import type { StoredSecrets } from './stored-secrets.js';

type StoredProjectRow = Omit<ProjectRow, 'id'> & { id: number };

/** The license key and webhook secret are stored sealed (the key also hashed, for pairing to look up). */
function toProject(row: StoredProjectRow, secrets: StoredSecrets): Project {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    number: row.number,
    companyName: row.company_name,
    country: row.country,
    timeZone: row.time_zone,
    dateFormat: row.date_format as DateFormat,
    service: row.service as Service,
    billingPlan: row.billing_plan,
    status: row.status as ProjectStatus,
    licenseKey: secrets.open(row.license_key),
    globalWebhook: row.global_webhook,
    eventWebhook: row.event_webhook,
    smartReplyWebhook: row.smart_reply_webhook,
    webhookFormat: row.webhook_format as WebhookFormat,
    webhookSecret: secrets.open(row.webhook_secret),
    webhookRetrySchedule: row.webhook_retry_schedule,
    notes: row.notes,
    nextBillingAt: row.next_billing_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const CHANGE_COLUMNS: Record<keyof ProjectChanges, keyof ProjectRow> = {
  status: 'status',
  billingPlan: 'billing_plan',
  service: 'service',
  nextBillingAt: 'next_billing_at',
  globalWebhook: 'global_webhook',
  eventWebhook: 'event_webhook',
  smartReplyWebhook: 'smart_reply_webhook',
  webhookFormat: 'webhook_format',
  webhookSecret: 'webhook_secret',
  webhookRetrySchedule: 'webhook_retry_schedule',
};

export class SqlProjectStore implements ProjectStore {
  constructor(
    private readonly db: Kysely<Schema>,
    private readonly secrets: StoredSecrets,
  ) {}

  async create(project: NewProject, at: number): Promise<Project> {
    const row = await this.db
      .insertInto('projects')
      .values({
        account_id: project.accountId,
        name: project.name,
        number: project.number,
        company_name: project.companyName,
        country: project.country,
        time_zone: project.timeZone,
        date_format: project.dateFormat,
        service: project.service,
        billing_plan: project.billingPlan,
        status: project.status,
        license_key: this.secrets.seal(project.licenseKey),
        license_key_hash: hashToken(project.licenseKey),
        global_webhook: project.globalWebhook,
        event_webhook: project.eventWebhook,
        smart_reply_webhook: project.smartReplyWebhook,
        webhook_format: project.webhookFormat,
        webhook_secret: this.secrets.seal(project.webhookSecret),
        webhook_retry_schedule: project.webhookRetrySchedule,
        notes: project.notes,
        next_billing_at: project.nextBillingAt,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return toProject(row, this.secrets);
  }

  async findById(id: number): Promise<Project | undefined> {
    const row = await this.db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? toProject(row, this.secrets) : undefined;
  }

  async findByLicenseKey(licenseKey: string): Promise<Project | undefined> {
    const row = await this.db.selectFrom('projects').selectAll().where('license_key_hash', '=', hashToken(licenseKey)).executeTakeFirst();
    return row ? toProject(row, this.secrets) : undefined;
  }

  async list(accountId: number): Promise<Project[]> {
    const rows = await this.db.selectFrom('projects').selectAll().where('account_id', '=', accountId).orderBy('id').execute();
    return rows.map((row) => toProject(row, this.secrets));
  }

  async update(id: number, changes: ProjectChanges, at: number): Promise<Project | undefined> {
    const values: Record<string, unknown> = { updated_at: at };
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) continue;
      values[CHANGE_COLUMNS[key as keyof ProjectChanges]] = key === 'webhookSecret' ? this.secrets.seal(value as string) : value;
    }
    const row = await this.db.updateTable('projects').set(values).where('id', '=', id).returningAll().executeTakeFirst();
    return row ? toProject(row, this.secrets) : undefined;
  }

  async listDueForRenewal(at: number): Promise<Project[]> {
    const rows = await this.db
      .selectFrom('projects')
      .selectAll()
      .where('status', '=', 'Active')
      .where('next_billing_at', 'is not', null)
      .where('next_billing_at', '<=', at)
      .orderBy('id')
      .execute();
    return rows.map((row) => toProject(row, this.secrets));
  }
}
