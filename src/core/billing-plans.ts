// The billing plans of `pm/create-project` and `pm/change-billing`: which service and applications each
// covers, whether messages are free under it, and how long one paid period lasts.
import { APPLICATION_IDS, OFFICIAL_APPLICATIONS, PHONE_AUTOMATION_APPLICATIONS, type Application } from './applications.js';
import { PickyError, Status } from './status-codes.js';

export type Service = 1 | 2;
export type BillingPeriod = 'none' | 'month' | 'year';

export interface BillingPlan {
  id: number;
  name: string;
  /** The service the plan belongs to; undefined for pay-as-you-go, which fits either. */
  service: Service | undefined;
  applications: readonly Application[];
  isUnlimited: boolean;
  period: BillingPeriod;
}

function plan(id: number, name: string, service: Service | undefined, isUnlimited: boolean, period: BillingPeriod): BillingPlan {
  const applications = service === 1 ? PHONE_AUTOMATION_APPLICATIONS : service === 2 ? OFFICIAL_APPLICATIONS : APPLICATION_IDS;
  return { id, name, service, applications, isUnlimited, period };
}

export const BILLING_PLANS: readonly BillingPlan[] = [
  plan(1, 'Pay As You Go', undefined, false, 'none'),
  plan(2, 'Phone Automation Small', 1, false, 'month'),
  plan(3, 'Phone Automation Medium', 1, false, 'month'),
  plan(4, 'Phone Automation Large', 1, false, 'month'),
  plan(5, 'Phone Automation Unlimited', 1, true, 'month'),
  plan(6, 'Phone Automation Yearly Unlimited', 1, true, 'year'),
  plan(7, 'WhatsApp Official Medium', 2, false, 'month'),
  plan(8, 'WhatsApp Official Large', 2, false, 'month'),
  plan(9, 'WhatsApp Official Unlimited', 2, true, 'month'),
];

export const SERVICES: Record<Service, string> = { 1: 'Phone Automation', 2: 'WhatsApp Official' };

export function findPlan(id: number): BillingPlan | undefined {
  return BILLING_PLANS.find((candidate) => candidate.id === id);
}

/** Refuses (405) what a project's billing plan does not include: one rule for push, calls and WhatsApp Web. */
export function requireApplicationInPlan(billingPlan: number, application: number): void {
  if (!findPlan(billingPlan)?.applications.includes(application as Application)) {
    throw new PickyError(Status.notInPlan, `billing plan ${billingPlan} does not include application ${application}`);
  }
}

/** Explains why a plan cannot serve a service, or undefined when it can. */
export function planServiceMismatch(planId: number, service: Service): string | undefined {
  const found = findPlan(planId);
  if (!found) return `billing plan ${planId} does not exist (1-9)`;
  if (found.service !== undefined && found.service !== service) {
    return `billing plan ${planId} (${found.name}) belongs to service ${found.service} (${SERVICES[found.service]}), not ${service}`;
  }
  return undefined;
}

/** The end of a paid period that starts at `from`, in epoch milliseconds; undefined for no period. */
export function periodEnd(period: BillingPeriod, from: number): number | undefined {
  if (period === 'none') return undefined;
  const date = new Date(from);
  if (period === 'month') date.setUTCMonth(date.getUTCMonth() + 1);
  else date.setUTCFullYear(date.getUTCFullYear() + 1);
  return date.getTime();
}
