// Accepts conferences (checked, priced, and committed with their member calls and wallet debit in one
// transaction), answers `conference-report`, applies devices' call reports, cancels unanswered calls
// after the timeout, and works the call queue commands. Every change of a member call is handed to
// listeners (the event webhook) inside the transaction that stored it.
import type { ProjectCaller } from '../authenticator.js';
import { requireApplicationInPlan } from '../billing-plans.js';
import type { ChannelService } from '../channels/channel-service.js';
import type { Clock } from '../clock.js';
import { formatCredits } from '../credits.js';
import type { Device } from '../devices/device.js';
import type { PriceTable } from '../price-table.js';
import type { Project } from '../project.js';
import type { Raw } from '../push/field-reader.js';
import { PickyError, Status } from '../status-codes.js';
import type { Storage, Stores } from '../stores.js';
import { CALL_STATUSES, isFinalCallStatus, type CallReport, type CallTransition, type Conference, type MemberCall } from './conference.js';
import { parseConferenceRequest } from './conference-request.js';

export type CallListener = (transitions: CallTransition[], stores: Stores) => Promise<void>;

export interface CallSettings {
  /** A member call still unanswered this long after its conference was handed to a device is cancelled. */
  answerTimeoutMs: number;
  /** A member call still in progress this long after that, with no outcome reported, is cancelled too. */
  maxDurationMs: number;
}

export type ReportOutcome = 'applied' | 'stale' | 'unknown';

export class CallService {
  private readonly listeners: CallListener[] = [];
  private readonly queuedListeners: ((projectId: number) => void)[] = [];

  constructor(
    private readonly deps: { storage: Storage; clock: Clock; prices: PriceTable; channels: ChannelService; settings: CallSettings },
  ) {}

  onTransition(listener: CallListener): void {
    this.listeners.push(listener);
  }

  /** Called after a conference commits, or a device's call ends (the call dispatcher looks again). */
  onWork(listener: (projectId: number) => void): void {
    this.queuedListeners.push(listener);
  }

  async submit(caller: Pick<ProjectCaller, 'account' | 'project'>, raw: Raw): Promise<{ status: number; push_id: string; message: string }> {
    const { project, account } = caller;
    const parsed = parseConferenceRequest(raw);
    const channel = (await this.deps.channels.listForProject(project.id)).find((candidate) => candidate.kind === 4 && candidate.status === 'active');
    requireApplicationInPlan(project.billingPlan, 4);
    const devices = (await this.deps.storage.stores.devices.listByProject(project.id)).filter((device) => device.applications.includes(4));
    if (!channel || devices.length === 0) throw new PickyError(Status.noChannel, 'no paired device of this project carries calls (application 4)');
    if (!devices.some((device) => device.maxCallMembers >= parsed.numbers.length)) {
      throw new PickyError(Status.featureNotAvailable, `no paired device can join ${parsed.numbers.length} members in one call`);
    }
    const price = this.deps.prices.messagePrice(project.billingPlan, 4);
    const totalCredit = price * parsed.numbers.length;
    const now = this.deps.clock.now();
    const conference = await this.deps.storage.transaction(async (stores) => {
      const created = await stores.calls.create({ accountId: account.id, projectId: project.id, channelId: channel.id, ...parsed, totalCredit, createdAt: now });
      if (totalCredit > 0) {
        const entry = { accountId: account.id, kind: 'debit' as const, amount: -totalCredit, reason: `conference of ${parsed.numbers.length} member(s)`, reference: `push:${created.conference.id}`, projectId: project.id, createdAt: now };
        // Refused: the thrown error rolls the conference back with it.
        if ((await stores.wallet.apply(entry)) === undefined) throw new PickyError(Status.insufficientBalance, `the conference costs ${formatCredits(totalCredit)} credits`);
      }
      return created.conference;
    });
    this.workFor(project.id);
    return { status: Status.success, push_id: String(conference.id), message: 'Success' };
  }

  /** The conference and its member calls, for `conference-report`; 503 for another project's push id. */
  async find(project: Project, pushId: number): Promise<{ conference: Conference; calls: MemberCall[] }> {
    const conference = await this.deps.storage.stores.calls.findConference(pushId);
    if (!conference || conference.projectId !== project.id) throw new PickyError(Status.invalidPushId, `push ${pushId} is not a conference of this project`);
    return { conference, calls: await this.deps.storage.stores.calls.listCalls(pushId) };
  }

  /** A device reports on a call of a conference it was given; reports never move a call backwards. */
  async applyReport(deviceId: number, report: CallReport): Promise<ReportOutcome> {
    const outcome = await this.deps.storage.transaction(async (stores) => {
      const call = await stores.calls.findCall(report.callId);
      const conference = call && call.conferenceId === report.conferenceId ? await stores.calls.findConferenceForUpdate(call.conferenceId) : undefined;
      if (!call || !conference || conference.deviceId !== deviceId) return { outcome: 'unknown' as const };
      const finished = await this.move(stores, conference, call, report);
      return { outcome: finished === undefined ? ('stale' as const) : ('applied' as const), finished, projectId: conference.projectId };
    });
    if (outcome.finished) this.workFor(outcome.projectId);
    return outcome.outcome;
  }

  /**
   * Cancels calls still unanswered after the answer timeout, and calls still in progress after the
   * longest duration (their phone never reported an outcome: it is gone, or lost the call); answers how many.
   */
  async expireStale(): Promise<number> {
    const { answerTimeoutMs, maxDurationMs } = this.deps.settings;
    const { calls } = this.deps.storage.stores;
    const now = this.deps.clock.now();
    const unanswered = await calls.listOpenSince(CALL_STATUSES.scheduled, now - answerTimeoutMs, 500);
    const unreported = await calls.listOpenSince(CALL_STATUSES.in_progress, now - maxDurationMs, 500);
    const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;
    let expired = 0;
    for (const [list, reason] of [[unanswered, `not answered within ${seconds(answerTimeoutMs)}`], [unreported, `no outcome reported within ${seconds(maxDurationMs)}`]] as const) {
      for (const call of list) {
        const finished = await this.deps.storage.transaction(async (stores) => {
          const conference = await stores.calls.findConferenceForUpdate(call.conferenceId);
          if (!conference) return undefined;
          return this.move(stores, conference, call, { conferenceId: conference.id, callId: call.id, status: CALL_STATUSES.cancelled, duration: 0, reason });
        });
        if (finished !== undefined) expired += 1;
        if (finished) this.workFor(call.projectId);
      }
    }
    return expired;
  }

  /** `delete-call-queue` and `reset`: the project's queued conferences are cancelled and refunded. */
  async cancelQueued(projectId: number, error: string): Promise<number> {
    return this.deps.storage.transaction(async (stores) => {
      const now = this.deps.clock.now();
      const cancelled = await stores.calls.cancelQueued(projectId, now, error);
      await this.cancelOpenCalls(stores, cancelled, error);
      for (const conference of cancelled) {
        if (conference.totalCredit === 0) continue;
        const project = await stores.projects.findById(conference.projectId);
        if (project) await stores.wallet.apply({ accountId: project.accountId, kind: 'refund', amount: conference.totalCredit, reason: `conference cancelled: ${error}`, reference: `push:${conference.id}`, projectId, createdAt: now });
      }
      return cancelled.length;
    });
  }

  /** `reset`: the conferences these devices are placing end now; their open calls are cancelled. */
  async cancelHeldBy(devices: readonly Device[], error: string): Promise<number> {
    let cancelled = 0;
    for (const device of devices) {
      cancelled += await this.deps.storage.transaction(async (stores) => {
        const ended: Conference[] = [];
        for (const conference of await stores.calls.listDialingForDevice(device.id)) {
          const done = await stores.calls.cancelDialing(conference.id, this.deps.clock.now(), error);
          if (done) ended.push(done);
        }
        await this.cancelOpenCalls(stores, ended, error);
        return ended.length;
      });
    }
    return cancelled;
  }

  /** What a device was placing when it went away (sent again when it is back), with the member calls. */
  async heldBy(deviceId: number): Promise<{ conference: Conference; calls: MemberCall[] }[]> {
    const { calls } = this.deps.storage.stores;
    return Promise.all((await calls.listDialingForDevice(deviceId)).map(async (conference) => ({ conference, calls: await calls.listCalls(conference.id) })));
  }

  nextQueued(projectId: number, limit: number): Promise<Conference[]> {
    return this.deps.storage.stores.calls.nextQueued(projectId, limit);
  }

  /** Hands a queued conference to a device; answers its calls, or undefined when another claim won. */
  async claim(conference: Conference, deviceId: number): Promise<MemberCall[] | undefined> {
    // One transaction: a crash between the conference's move and its calls' would leave calls at 1 in a
    // dialing conference, which the unanswered-call timeout never looks at.
    return this.deps.storage.transaction(async ({ calls }) => {
      if (!(await calls.claim(conference.id, deviceId, this.deps.clock.now()))) return undefined;
      return calls.listCalls(conference.id);
    });
  }

  pendingCount(projectId: number): Promise<number> {
    return this.deps.storage.stores.calls.countPending(projectId);
  }

  private async cancelOpenCalls(stores: Stores, conferences: readonly Conference[], reason: string): Promise<void> {
    const byId = new Map(conferences.map((conference) => [conference.id, conference]));
    for (const call of await stores.calls.listOpenCalls([...byId.keys()])) {
      await this.move(stores, byId.get(call.conferenceId)!, call, { conferenceId: call.conferenceId, callId: call.id, status: CALL_STATUSES.cancelled, duration: 0, reason });
    }
  }

  /**
   * Moves one call forward and tells the listeners; answers undefined when the report changes nothing
   * (a repeat, or an older status), else whether the conference has ended with it.
   */
  private async move(stores: Stores, conference: Conference, call: MemberCall, report: CallReport): Promise<boolean | undefined> {
    if (isFinalCallStatus(call.status) || report.status <= call.status) return undefined;
    const at = this.deps.clock.now();
    const duration = report.status === CALL_STATUSES.completed ? report.duration : 0;
    const moved = await stores.calls.moveCall(call, { status: report.status, duration, reason: report.reason }, at);
    if (!moved) return undefined;
    for (const listener of this.listeners) await listener([{ conference, call: moved, from: call.status, at }], stores);
    if (!isFinalCallStatus(moved.status)) return false;
    return (await stores.calls.finishIfDone(conference.id, at)) !== undefined;
  }

  private workFor(projectId: number): void {
    for (const listener of this.queuedListeners) listener(projectId);
  }
}
