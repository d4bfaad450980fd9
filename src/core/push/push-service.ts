// Accepts a push: reads it, routes it to one of the project's channels, checks the plan and what the
// channel can carry, prices it, and hands it to the batch writer. `100` is answered only after the
// push, its messages and the wallet debit are committed.
import { isApplication, type Application } from '../applications.js';
import type { ProjectCaller } from '../authenticator.js';
import { requireApplicationInPlan } from '../billing-plans.js';
import type { Channel, ChannelCapabilities, ChannelRecord } from '../channels/channel.js';
import type { ChannelRegistry } from '../channels/channel-registry.js';
import type { ChannelService } from '../channels/channel-service.js';
import type { Clock } from '../clock.js';
import { formatCredits } from '../credits.js';
import { MESSAGE_TYPE_NUMBERS } from '../messages/message.js';
import type { PriceTable } from '../price-table.js';
import type { Project } from '../project.js';
import { PickyError, Status, invalidRequest } from '../status-codes.js';
import type { Storage } from '../stores.js';
import type { UrlPolicy } from '../url-policy.js';
import type { Raw } from './field-reader.js';
import type { DirectHandOver, PushDraft, PushWriteResult } from './push-draft.js';
import type { MediaTypeDetector } from './media.js';
import { parsePushRequest, type MessageDraft, type ParsedPush } from './push-request.js';
import { WriteBatcher } from './write-batcher.js';

export interface PushSettings {
  maxRecipients: number;
  idempotencyTtlMs: number;
  /** Messages per write transaction at most (a larger single push is still written whole). */
  maxBatchMessages: number;
  writeConcurrency: number;
}

export interface PushServiceDeps {
  storage: Storage;
  clock: Clock;
  prices: PriceTable;
  registry: ChannelRegistry;
  channels: ChannelService;
  /** Media URLs are checked like webhook URLs: a push must not make phones or channels fetch private addresses. */
  urlPolicy: UrlPolicy;
  /** The type of base64 media from its content. */
  detectMediaType: MediaTypeDetector;
  settings: PushSettings;
}

export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

interface Route {
  channel: ChannelRecord;
  kind: Application;
  capabilities: ChannelCapabilities;
  implementation: Channel;
}

/**
 * A push committed: its project and channel, and what it queued (the metrics count messages by
 * application); `queued` leaves out those written already handed to a device.
 */
export type AcceptedListener = (projectId: number, channelId: number, accepted: { application: number; messages: number; queued: number }) => void;

export class PushService {
  private readonly batcher: WriteBatcher<PushDraft, PushWriteResult>;
  private readonly acceptedListeners: AcceptedListener[] = [];
  private handOver: DirectHandOver | undefined;

  constructor(private readonly deps: PushServiceDeps) {
    this.batcher = new WriteBatcher(
      (drafts) => deps.storage.stores.pushes.writeBatch(drafts, deps.clock.now() - deps.settings.idempotencyTtlMs),
      (draft) => draft.messages.length,
      { maxWeight: deps.settings.maxBatchMessages, concurrency: deps.settings.writeConcurrency },
    );
  }

  /** Resolves once every write handed to this service has committed or failed (a closing gateway waits). */
  whenIdle(): Promise<void> {
    return this.batcher.whenIdle();
  }

  /** Messages a connected device can take at once are written handed over to it (the phone dispatcher). */
  useDirectHandOver(handOver: DirectHandOver): void {
    this.handOver = handOver;
  }

  /** Called after each push commits (the dispatcher wakes up for the project). */
  onAccepted(listener: AcceptedListener): void {
    this.acceptedListeners.push(listener);
  }

  /** Answers the push's JSON response (the stored one, for a retried idempotency key). */
  async submit(caller: Pick<ProjectCaller, 'account' | 'project'>, raw: Raw, idempotencyKey: string | undefined): Promise<string> {
    const { storage, clock, settings } = this.deps;
    if (idempotencyKey !== undefined) {
      if (idempotencyKey.length === 0 || idempotencyKey.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
        throw invalidRequest(`idempotency key must be 1-${MAX_IDEMPOTENCY_KEY_LENGTH} characters`);
      }
      const stored = await storage.stores.pushes.findIdempotentResponse(caller.project.id, idempotencyKey, clock.now() - settings.idempotencyTtlMs);
      if (stored !== undefined) return stored;
    }
    const parsed = await parsePushRequest(raw, settings.maxRecipients, this.deps.detectMediaType);
    const route = await this.route(caller.project, parsed.application);
    for (const [index, message] of parsed.messages.entries()) checkCarriable(route, message, index, parsed);
    await route.implementation.checkPush?.(route.channel, parsed.messages);
    await this.checkMediaUrls(parsed);
    const draft = this.draft(caller, parsed, route, idempotencyKey);
    const settle = this.handOver?.book(draft);
    let result: PushWriteResult;
    try {
      result = await this.batcher.submit(draft);
    } catch (error) {
      settle?.(undefined);
      throw error;
    }
    settle?.(result);
    if (result.outcome === 'insufficient') throw new PickyError(Status.insufficientBalance, `the push costs ${formatCredits(draft.totalCredit)} credits`);
    if (result.outcome === 'project_deleted') throw new PickyError(Status.projectNotActive, `project ${draft.projectId} is deleted`);
    if (result.outcome === 'written') {
      const accepted = { application: draft.application, messages: draft.messages.length, queued: draft.messages.filter((message) => message.deviceId === undefined).length };
      for (const listener of this.acceptedListeners) listener(draft.projectId, draft.channelId, accepted);
    }
    return result.response;
  }

  private async checkMediaUrls(parsed: ParsedPush): Promise<void> {
    const seen = new Set<string>();
    for (const [index, message] of parsed.messages.entries()) {
      if (!message.mediaUrl || seen.has(message.mediaUrl)) continue;
      seen.add(message.mediaUrl);
      const problem = await this.deps.urlPolicy.problem(message.mediaUrl);
      if (problem) throw invalidRequest(`data[${index}]: media URL ${problem}`);
    }
  }

  /** `application` names a channel kind, or a channel's own id when the project has several. */
  private async route(project: Project, application: number): Promise<Route> {
    const channels = await this.deps.channels.listForProject(project.id);
    const active = channels.filter((channel) => channel.status === 'active');
    let channel = isApplication(application)
      ? active.find((candidate) => candidate.kind === application)
      : active.find((candidate) => candidate.id === application);
    if (!isApplication(application) && !channel) throw invalidRequest(`application ${application} is neither a known application nor a channel of this project`);
    const kind = channel?.kind ?? (application as Application);
    requireApplicationInPlan(project.billingPlan, kind);
    const implementation = this.deps.registry.forKind(kind);
    if (!channel && implementation) channel = await this.deps.channels.findOrProvision(project.id, kind);
    if (!channel || !implementation) throw new PickyError(Status.noChannel, `the project has no channel that can carry application ${kind}`);
    return { channel, kind, capabilities: implementation.capabilities(kind), implementation };
  }

  private draft(caller: Pick<ProjectCaller, 'account' | 'project'>, parsed: ParsedPush, route: Route, idempotencyKey: string | undefined): PushDraft {
    const credit = this.deps.prices.messagePrice(caller.project.billingPlan, route.kind);
    const creditText = formatCredits(credit);
    const recipientKey = route.kind === 5 ? 'messenger_id' : 'number';
    const messages = parsed.messages.map((message) => ({
      recipient: message.recipient,
      kind: message.kind,
      text: message.text,
      mediaUrl: message.mediaUrl,
      upload: message.upload,
      details: message.details,
      referenceNumber: message.referenceNumber,
      quoted: message.quoted,
      credit,
    }));
    return {
      accountId: caller.account.id,
      projectId: caller.project.id,
      channelId: route.channel.id,
      application: route.kind,
      priority: parsed.priority,
      messageType: MESSAGE_TYPE_NUMBERS[messages[0]!.kind],
      messages,
      uploads: parsed.uploads,
      totalCredit: credit * messages.length,
      idempotencyKey,
      createdAt: this.deps.clock.now(),
      render: (pushId, messageIds) => {
        const data = messageIds.map((id, index) => ({ msg_id: String(id), [recipientKey]: messages[index]!.recipient, credit: creditText }));
        return JSON.stringify({ status: Status.success, push_id: String(pushId), message: 'Success', data });
      },
    };
  }
}

/** What the channel cannot carry of this message, or undefined when it can. (No closure: this runs per message.) */
function uncarriable(can: Route['capabilities'], message: MessageDraft, parsed: ParsedPush): string | undefined {
  switch (message.kind) {
    case 'location':
      if (!can.supportsLocation) return 'location messages';
      break;
    case 'contact':
      if (!can.supportsContact) return 'contact messages';
      break;
    case 'template':
      if (!can.supportsTemplate) return 'templates (they need a WhatsApp Official channel: 8, 101 or 121)';
      break;
    case 'sticker':
      if (!can.supportsSticker) return 'stickers';
      break;
    case 'voice':
      if (!can.supportsVoiceNote) return 'voice notes';
      break;
    case 'interactive':
      if (!can.supportsInteractive) return 'interactive buttons';
      break;
    case 'text':
      if (!can.supportsText) return 'text messages';
      break;
    default:
      if (can.supportsMedia) break;
      if (!can.sendsMediaAsLink) return 'media';
      if (message.upload !== undefined) return 'uploaded media (base64); give a media URL, which is appended to the text';
  }
  if (parsed.wantsVoice && !can.supportsVoiceNote) return 'voice notes';
  if (message.details.groupId && !can.supportsGroups) return 'group messages';
  return undefined;
}

/** Refuses, with 410 naming why, a message kind the routed channel cannot carry. */
function checkCarriable(route: Route, message: MessageDraft, index: number, parsed: ParsedPush): void {
  const what = uncarriable(route.capabilities, message, parsed);
  if (what !== undefined) throw invalidRequest(`data[${index}]: application ${route.kind} cannot carry ${what}`);
}
