// What things cost, in micro-credits: a price per message by application and a fee per billing plan.
import type { Application } from './applications.js';
import { findPlan } from './billing-plans.js';

export interface PriceTableSettings {
  /** Micro-credits per message, by application; an application not listed costs nothing. */
  messagePrices: Readonly<Partial<Record<number, number>>>;
  /** Micro-credits per paid period, by billing plan id; a plan not listed costs nothing. */
  planFees: Readonly<Partial<Record<number, number>>>;
}

export class PriceTable {
  constructor(private readonly settings: PriceTableSettings) {}

  /** Price of one message under a plan: unlimited plans pay nothing per message. */
  messagePrice(planId: number, application: Application): number {
    if (findPlan(planId)?.isUnlimited) return 0;
    return this.settings.messagePrices[application] ?? 0;
  }

  planFee(planId: number): number {
    return this.settings.planFees[planId] ?? 0;
  }
}
