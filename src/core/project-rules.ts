// The documented limits and enums of a project's fields, checked the same way for the PM API and the CLI.
// Messages name fields by their wire names (project_name, time_zone…) because that is what clients send.
import { findPlan, planServiceMismatch, type Service } from './billing-plans.js';
import { isCountryCode } from './countries.js';
import { allowListEntryProblem } from './ip-allow-list.js';
import type { WebhookFormat } from './project.js';
import { DATE_FORMATS, isTimeZone, type DateFormat } from './project-time.js';
import { invalidRequest } from './status-codes.js';
import type { UrlPolicy } from './url-policy.js';
import { parseRetrySchedule } from './webhooks/retry-schedule.js';

export const PROJECT_LIMITS = {
  projectName: 20,
  notes: 250,
  companyName: 100,
  number: 20,
  webhookUrl: 2048,
  ipAddresses: 20,
} as const;

export interface WebhookInput {
  globalWebhook?: string | undefined;
  eventWebhook?: string | undefined;
  smartReplyWebhook?: string | undefined;
  webhookFormat?: string | number | undefined;
  webhookRetrySchedule?: string | undefined;
}

export interface ProjectInput extends WebhookInput {
  projectName: string;
  number?: string | undefined;
  companyName?: string | undefined;
  country?: string | undefined;
  timeZone?: string | undefined;
  dateFormat?: string | number | undefined;
  service?: number | undefined;
  billingPlan?: number | undefined;
  generateApiToken?: boolean | undefined;
  tokenIpAddresses?: string[] | undefined;
  notes?: string | undefined;
}

export interface CheckedProjectFields {
  name: string;
  number: string;
  companyName: string;
  country: string;
  timeZone: string;
  dateFormat: DateFormat;
  service: Service;
  billingPlan: number;
  tokenIpAddresses: string[];
  notes: string;
}

/** Collects every problem so that a client fixes its request in one round. */
class Problems {
  private readonly list: string[] = [];
  add(field: string, problem: string): void {
    this.list.push(`${field} ${problem}`);
  }
  throwIfAny(): void {
    if (this.list.length > 0) throw invalidRequest(this.list.join('; '));
  }
}

function checkLength(problems: Problems, field: string, value: string, max: number): void {
  if (value.length > max) problems.add(field, `is longer than ${max} characters (${value.length})`);
}

/** Date formats arrive as their text or as 1/2/3 in the documented order. */
export function parseDateFormat(value: string | number | undefined): DateFormat | undefined {
  if (value === undefined || value === '') return 'DD-MM-YYYY';
  if (typeof value === 'number') return DATE_FORMATS[value - 1];
  const upper = value.trim().toUpperCase();
  if (/^[123]$/.test(upper)) return DATE_FORMATS[Number(upper) - 1];
  return DATE_FORMATS.find((format) => format === upper);
}

/** Webhook format: 1 / "json" for JSON (default), 2 / "post" / "form" for the legacy Standard POST. */
export function parseWebhookFormat(value: string | number | undefined): WebhookFormat | undefined {
  if (value === undefined || value === '') return 'json';
  const text = String(value).trim().toLowerCase();
  if (text === '1' || text === 'json') return 'json';
  if (text === '2' || text === 'post' || text === 'form') return 'form';
  return undefined;
}

export function checkProjectFields(input: ProjectInput): CheckedProjectFields {
  const problems = new Problems();
  const name = input.projectName.trim();
  if (name === '') problems.add('project_name', 'is required');
  checkLength(problems, 'project_name', name, PROJECT_LIMITS.projectName);
  const number = (input.number ?? '').trim();
  checkLength(problems, 'number', number, PROJECT_LIMITS.number);
  const companyName = (input.companyName ?? '').trim();
  checkLength(problems, 'company_name', companyName, PROJECT_LIMITS.companyName);
  const notes = input.notes ?? '';
  checkLength(problems, 'notes', notes, PROJECT_LIMITS.notes);

  const country = (input.country ?? '').trim().toUpperCase();
  if (country !== '' && !isCountryCode(country)) problems.add('country', `'${input.country}' is not an ISO 3166 alpha-2 code`);
  const timeZone = (input.timeZone ?? '').trim() || 'UTC';
  if (!isTimeZone(timeZone)) problems.add('time_zone', `'${timeZone}' is not an IANA time zone`);
  const dateFormat = parseDateFormat(input.dateFormat);
  if (!dateFormat) problems.add('date_format', `must be one of ${DATE_FORMATS.join(', ')}`);

  const service = input.service ?? 1;
  if (service !== 1 && service !== 2) problems.add('service', 'must be 1 (Phone Automation) or 2 (WhatsApp Official)');
  const billingPlan = input.billingPlan ?? 1;
  if (!findPlan(billingPlan)) problems.add('billing_plan', 'must be 1-9');
  else if (service === 1 || service === 2) {
    const mismatch = planServiceMismatch(billingPlan, service);
    if (mismatch) problems.add('billing_plan', mismatch.replace(/^billing plan /, ''));
  }

  const tokenIpAddresses = (input.tokenIpAddresses ?? []).map((ip) => ip.trim());
  if (tokenIpAddresses.length > PROJECT_LIMITS.ipAddresses) problems.add('token_ip_address', `lists more than ${PROJECT_LIMITS.ipAddresses} addresses`);
  // Entries are checked only within the limit, so a huge list cannot make a huge answer.
  else {
    for (const entry of tokenIpAddresses) {
      const problem = allowListEntryProblem(entry);
      if (problem) problems.add('token_ip_address', problem);
    }
  }
  problems.throwIfAny();
  return { name, number, companyName, country, timeZone, dateFormat: dateFormat!, service: service as Service, billingPlan, tokenIpAddresses, notes };
}

export interface CheckedWebhooks {
  globalWebhook?: string;
  eventWebhook?: string;
  smartReplyWebhook?: string;
  webhookFormat?: WebhookFormat;
  webhookRetrySchedule?: string;
}

/** Checks the webhook fields that were given (an empty string clears one) against the URL policy. */
export async function checkWebhooks(input: WebhookInput, policy: UrlPolicy): Promise<CheckedWebhooks> {
  const problems = new Problems();
  const checked: CheckedWebhooks = {};
  const fields = [
    ['global_webhook', 'globalWebhook'],
    ['event_webhook', 'eventWebhook'],
    ['smart_reply_webhook', 'smartReplyWebhook'],
  ] as const;
  for (const [wire, key] of fields) {
    const value = input[key]?.trim();
    if (value === undefined) continue;
    if (value.length > PROJECT_LIMITS.webhookUrl) {
      problems.add(wire, `is longer than ${PROJECT_LIMITS.webhookUrl} characters`);
      continue;
    }
    const problem = value === '' ? undefined : await policy.problem(value);
    if (problem) problems.add(wire, problem);
    else checked[key] = value;
  }
  if (input.webhookFormat !== undefined) {
    const format = parseWebhookFormat(input.webhookFormat);
    if (format) checked.webhookFormat = format;
    else problems.add('webhook_format', "must be 1 ('json') or 2 ('post')");
  }
  const schedule = input.webhookRetrySchedule?.trim();
  if (schedule !== undefined) {
    if (schedule === '' || parseRetrySchedule(schedule)) checked.webhookRetrySchedule = schedule;
    else problems.add('webhook_retry_schedule', "must be waits like '1m,15m,2h,6h' (units ms, s, m, h, d; at most 20 steps of at most 30 days)");
  }
  problems.throwIfAny();
  return checked;
}
