// A project as the PM API shows it, in the field names and string forms of the Picky samples.
import { formatCredits, formatProjectDate, formatProjectIsoTime, type ApiToken, type IssuedToken, type Project } from '../core/index.js';
import { pairingUri, qrPngBase64 } from '../qr/index.js';

export interface ProjectViewOptions {
  publicUrl: string;
  /** Tokens in clear, only right after they were issued. */
  issuedTokens?: IssuedToken[];
  /** Tokens as stored: shown by hint, never in clear. */
  storedTokens?: ApiToken[];
  /** What the plan's activation debited, in credits. */
  amountDebited: number;
}

export function nextBillingDate(project: Project): string {
  return project.nextBillingAt === null ? '' : formatProjectDate(project.nextBillingAt, project.timeZone, project.dateFormat);
}

/** The same instant as ISO 8601 with the zone's offset, as the vendor's change-billing sample writes it. */
export function nextBillingIsoTime(project: Project): string {
  return project.nextBillingAt === null ? '' : formatProjectIsoTime(project.nextBillingAt, project.timeZone);
}

export function storedTokenView(token: ApiToken): Record<string, unknown> {
  return { token_id: String(token.id), ip: token.ipAllowList.join(','), token: token.hint, token_status: token.status };
}

export async function projectView(project: Project, options: ProjectViewOptions): Promise<Record<string, unknown>> {
  const tokens = options.issuedTokens
    ? options.issuedTokens.map((issued) => ({ ip: issued.ip, token: issued.token, token_id: String(issued.record.id) }))
    : (options.storedTokens ?? []).filter((token) => token.status !== 'deleted').map(storedTokenView);
  return {
    project_status: project.status,
    project_id: String(project.id),
    project_name: project.name,
    number: project.number,
    company_name: project.companyName,
    country: project.country,
    time_zone: project.timeZone,
    date_format: project.dateFormat,
    service: project.service,
    billing_plan: project.billingPlan,
    license_key: project.licenseKey,
    qr_code_base64: await qrPngBase64(pairingUri(options.publicUrl, project.licenseKey)),
    // Hosted-service keywords (shared numbers) Switchboard does not have: present and empty, as the
    // vendor's samples show them for a project that uses neither.
    unbranded_keyword: '',
    branded_keyword: '',
    api_tokens: tokens,
    ...webhookView(project),
    next_billing_date: nextBillingDate(project),
    amount_debited: formatCredits(options.amountDebited),
    notes: project.notes,
  };
}

/** A project's webhook settings as the PM API shows them, the signing secret included (owner only). */
export function webhookView(project: Project): Record<string, unknown> {
  return {
    global_webhook: project.globalWebhook,
    event_webhook: project.eventWebhook,
    smart_reply_webhook: project.smartReplyWebhook,
    webhook_format: project.webhookFormat === 'json' ? 1 : 2,
    webhook_retry_schedule: project.webhookRetrySchedule,
    webhook_secret: project.webhookSecret,
  };
}
