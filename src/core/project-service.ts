// Projects: creation (with its plan fee and first tokens, in one transaction), listing, webhooks,
// billing changes, deletion, and the renewal of paid periods.
import type { ApiTokenService, IssuedToken } from './api-token-service.js';
import type { Authenticator } from './authenticator.js';
import type { ChannelService } from './channels/channel-service.js';
import { findPlan, periodEnd, planServiceMismatch, type Service } from './billing-plans.js';
import type { Clock } from './clock.js';
import type { PriceTable } from './price-table.js';
import type { Project, ProjectChanges } from './project.js';
import { checkProjectFields, checkWebhooks, type ProjectInput, type WebhookInput } from './project-rules.js';
import { newLicenseKey, newWebhookSecret } from './secrets.js';
import { PickyError, Status, invalidRequest } from './status-codes.js';
import type { Storage } from './stores.js';
import { TtlCache } from './ttl-cache.js';
import type { UrlPolicy } from './url-policy.js';
import type { WalletService } from './wallet-service.js';

export interface CreatedProject {
  project: Project;
  tokens: IssuedToken[];
  amountDebited: number;
}

export interface BillingChange {
  project: Project;
  oldPlan: number;
  amountDebited: number;
}

export interface ProjectServiceDeps {
  storage: Storage;
  clock: Clock;
  prices: PriceTable;
  wallet: WalletService;
  tokens: ApiTokenService;
  authenticator: Authenticator;
  urlPolicy: UrlPolicy;
  channels: ChannelService;
}

const DELETED_ANSWER_TTL_MS = 1_000;

export class ProjectService {
  private readonly expiredListeners: ((projectId: number) => void)[] = [];

  private readonly deletedListeners: ((projectId: number) => Promise<void>)[] = [];
  /**
   * Answers of isDeleted, kept a second: it runs before every device frame on PostgreSQL, and a read per
   * frame cost more than the frame itself. A deletion made on another node is seen within that second.
   */
  private readonly deletedAnswers: TtlCache<number, boolean>;

  constructor(private readonly deps: ProjectServiceDeps) {
    this.deletedAnswers = new TtlCache(deps.clock, DELETED_ANSWER_TTL_MS);
  }

  /** Hears of projects that expired at renewal because the wallet could not pay (the gateway logs them). */
  onExpired(listener: (projectId: number) => void): void {
    this.expiredListeners.push(listener);
  }

  async create(accountId: number, input: ProjectInput): Promise<CreatedProject> {
    const fields = checkProjectFields(input);
    const webhooks = await checkWebhooks(input, this.deps.urlPolicy);
    const { storage, clock, prices, wallet, tokens } = this.deps;
    const now = clock.now();
    const plan = findPlan(fields.billingPlan)!;
    const fee = prices.planFee(plan.id);
    return storage.transaction(async (stores) => {
      const project = await stores.projects.create(
        {
          accountId,
          name: fields.name,
          number: fields.number,
          companyName: fields.companyName,
          country: fields.country,
          timeZone: fields.timeZone,
          dateFormat: fields.dateFormat,
          service: fields.service,
          billingPlan: plan.id,
          status: 'Active',
          licenseKey: newLicenseKey(),
          globalWebhook: webhooks.globalWebhook ?? '',
          eventWebhook: webhooks.eventWebhook ?? '',
          smartReplyWebhook: webhooks.smartReplyWebhook ?? '',
          webhookFormat: webhooks.webhookFormat ?? 'json',
          webhookSecret: newWebhookSecret(),
          webhookRetrySchedule: webhooks.webhookRetrySchedule ?? '',
          notes: fields.notes,
          nextBillingAt: periodEnd(plan.period, now) ?? null,
        },
        now,
      );
      await wallet.debit({ accountId, amount: fee, reason: `plan ${plan.id} fee`, reference: `project:${project.id}`, projectId: project.id }, stores);
      await this.deps.channels.provisionDefaults(project, stores);
      const issued = input.generateApiToken ? await tokens.issuePerAddress(project.id, fields.tokenIpAddresses, stores) : [];
      return { project, tokens: issued, amountDebited: fee };
    });
  }

  /** A project of the account, or 410 naming the id. */
  async get(accountId: number, projectId: number): Promise<Project> {
    const project = await this.deps.storage.stores.projects.findById(projectId);
    if (!project || project.accountId !== accountId) throw invalidRequest(`project_id ${projectId} does not exist`);
    return project;
  }

  list(accountId: number): Promise<Project[]> {
    return this.deps.storage.stores.projects.list(accountId);
  }

  /** A project that may still be changed: deleted projects answer 408. */
  async getChangeable(accountId: number, projectId: number): Promise<Project> {
    const project = await this.get(accountId, projectId);
    if (project.status === 'Delete') throw new PickyError(Status.projectNotActive, `project ${projectId} is deleted`);
    return project;
  }

  async setWebhooks(accountId: number, projectId: number, input: WebhookInput): Promise<Project> {
    await this.getChangeable(accountId, projectId);
    const changes = await checkWebhooks(input, this.deps.urlPolicy);
    return this.update(projectId, changes);
  }

  /** Replaces the project's webhook signing secret; calls from then on are signed with the new one. */
  async rotateWebhookSecret(accountId: number, projectId: number): Promise<Project> {
    await this.getChangeable(accountId, projectId);
    return this.update(projectId, { webhookSecret: newWebhookSecret() });
  }

  /** What the project's plan debits at activation and at each renewal (0 for pay as you go). */
  planFee(project: Project): number {
    return this.deps.prices.planFee(project.billingPlan);
  }

  /** Moves a project to another plan: the new plan's fee is paid now and starts a new period. */
  async changeBilling(accountId: number, projectId: number, service: number, planId: number): Promise<BillingChange> {
    const project = await this.getChangeable(accountId, projectId);
    if (service !== 1 && service !== 2) throw invalidRequest('service must be 1 (Phone Automation) or 2 (WhatsApp Official)');
    const mismatch = planServiceMismatch(planId, service as Service);
    if (mismatch) throw invalidRequest(`plan_id: ${mismatch}`);
    const plan = findPlan(planId)!;
    const fee = this.deps.prices.planFee(plan.id);
    const now = this.deps.clock.now();
    const updated = await this.deps.storage.transaction(async (stores) => {
      await this.deps.wallet.debit({ accountId, amount: fee, reason: `plan ${plan.id} fee`, reference: `project:${projectId}`, projectId }, stores);
      const hasChannels = (await stores.channels.listByProject(projectId)).length > 0;
      if (service === 1 && !hasChannels) await this.deps.channels.provisionDefaults({ ...project, service: 1 }, stores);
      return stores.projects.update(projectId, { service: service as Service, billingPlan: plan.id, status: 'Active', nextBillingAt: periodEnd(plan.period, now) ?? null }, now);
    });
    this.deps.authenticator.forgetProject(projectId);
    return { project: updated!, oldPlan: project.billingPlan, amountDebited: fee };
  }

  /** Whether a project is gone (deleted), read fresh: for nodes that did not make the change themselves. */
  async isDeleted(projectId: number): Promise<boolean> {
    const known = this.deletedAnswers.get(projectId);
    if (known !== undefined) return known;
    const project = await this.deps.storage.stores.projects.findById(projectId);
    const isDeleted = !project || project.status === 'Delete';
    this.deletedAnswers.set(projectId, isDeleted);
    return isDeleted;
  }

  /** Another node has just deleted the project: the next isDeleted reads it again. */
  forgetDeletedAnswer(projectId: number): void {
    this.deletedAnswers.delete(projectId);
  }

  /** Hears of deleted projects: the gateway disconnects their phones and stops their WhatsApp Web sessions. */
  onDeleted(listener: (projectId: number) => Promise<void>): void {
    this.deletedListeners.push(listener);
  }

  /**
   * Marks a project deleted: its tokens stop working (408), it leaves the renewal cycle, its license key
   * no longer pairs, and (through onDeleted) its devices and sessions on this node stop before the answer.
   */
  async delete(accountId: number, projectId: number): Promise<Project> {
    await this.getChangeable(accountId, projectId);
    const deleted = await this.update(projectId, { status: 'Delete', nextBillingAt: null });
    await Promise.all(this.deletedListeners.map((listener) => listener(projectId)));
    return deleted;
  }

  /**
   * Renews every paid period that has ended: the fee is debited and the period extended, or the project
   * becomes Expired when the wallet cannot pay. Answers how many projects expired.
   */
  async renewDue(): Promise<{ renewed: number; expired: number }> {
    const { storage, clock, prices, wallet } = this.deps;
    const now = clock.now();
    let renewed = 0;
    let expired = 0;
    for (const project of await storage.stores.projects.listDueForRenewal(now)) {
      const plan = findPlan(project.billingPlan);
      const fee = prices.planFee(project.billingPlan);
      try {
        await storage.transaction(async (stores) => {
          await wallet.debit({ accountId: project.accountId, amount: fee, reason: `plan ${project.billingPlan} renewal`, reference: `project:${project.id}`, projectId: project.id }, stores);
          await stores.projects.update(project.id, { nextBillingAt: periodEnd(plan?.period ?? 'month', project.nextBillingAt ?? now) ?? null }, now);
        });
        renewed += 1;
      } catch (error) {
        if (!(error instanceof PickyError) || error.code !== Status.insufficientBalance) throw error;
        await storage.stores.projects.update(project.id, { status: 'Expired' }, now);
        expired += 1;
        for (const listener of this.expiredListeners) listener(project.id);
      }
      this.deps.authenticator.forgetProject(project.id);
    }
    return { renewed, expired };
  }

  private async update(projectId: number, changes: ProjectChanges): Promise<Project> {
    const updated = await this.deps.storage.stores.projects.update(projectId, changes, this.deps.clock.now());
    this.deps.authenticator.forgetProject(projectId);
    if (!updated) throw invalidRequest(`project_id ${projectId} does not exist`);
    return updated;
  }
}
