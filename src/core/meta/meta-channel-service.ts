// Links a project's channel to Meta (pm/create-channel and `channel create` with application 5, 8, 101
// or 121): checks the ids and credentials, seals the access token and app secret, hashes the verify
// token, and opens credentials again for the code that calls Graph. Credentials never leave in full.
import type { Application } from '../applications.js';
import { requireApplicationInPlan } from '../billing-plans.js';
import type { ChannelRecord } from '../channels/channel.js';
import type { ChannelService } from '../channels/channel-service.js';
import type { Clock } from '../clock.js';
import type { MessageService } from '../messages/message-service.js';
import type { Project } from '../project.js';
import type { SecretBox } from '../secret-box.js';
import { invalidRequest } from '../status-codes.js';
import type { Storage } from '../stores.js';
import { APPLICATIONS } from '../applications.js';
import { TtlCache } from '../ttl-cache.js';
import { hashVerifyToken, isCloudApiKind, isMetaKind, maskCredential, type MetaAccount } from './meta-account.js';

export interface MetaChannelInput {
  kind: number;
  name?: string | undefined;
  phoneNumberId?: string | undefined;
  wabaId?: string | undefined;
  pageId?: string | undefined;
  accessToken?: string | undefined;
  appSecret?: string | undefined;
  verifyToken?: string | undefined;
  messagesPerSecond?: number | undefined;
  /** Messenger: the tag of messages sent outside the 24-hour window. */
  messageTag?: string | undefined;
}

export interface OpenCredentials {
  account: MetaAccount;
  accessToken: string;
  appSecret: string;
}

const GRAPH_ID = /^\d{1,32}$/;
/** Messenger's message tags for messages outside the 24-hour window. */
export const MESSAGE_TAGS = ['ACCOUNT_UPDATE', 'CONFIRMED_EVENT_UPDATE', 'POST_PURCHASE_UPDATE', 'HUMAN_AGENT'];

function required(value: string | undefined, field: string, pattern: RegExp | undefined, max: number): string {
  const text = value?.trim() ?? '';
  if (!text) throw invalidRequest(`${field} is required`);
  if (text.length > max) throw invalidRequest(`${field} is longer than ${max} characters`);
  if (pattern && !pattern.test(text)) throw invalidRequest(`${field} must be Meta's numeric id`);
  return text;
}

/** How long opened credentials are reused. */
const CREDENTIALS_TTL_MS = 5_000;

export class MetaChannelService {
  private readonly opened: TtlCache<number, OpenCredentials>;

  constructor(private readonly deps: { storage: Storage; channels: ChannelService; messages: MessageService; secrets: SecretBox; clock: Clock }) {
    this.opened = new TtlCache(deps.clock, CREDENTIALS_TTL_MS);
  }

  async create(project: Project, input: MetaChannelInput): Promise<{ channel: ChannelRecord; account: MetaAccount }> {
    if (!isMetaKind(input.kind)) throw invalidRequest('application must be 5 (Messenger), 8, 101 or 121 (WhatsApp Official)');
    const kind = input.kind as Application;
    requireApplicationInPlan(project.billingPlan, kind);
    const isCloud = isCloudApiKind(kind);
    const externalId = isCloud ? required(input.phoneNumberId, 'phone_number_id', GRAPH_ID, 32) : required(input.pageId, 'page_id', GRAPH_ID, 32);
    const wabaId = isCloud ? required(input.wabaId, 'waba_id', GRAPH_ID, 32) : '';
    const accessToken = required(input.accessToken, 'access_token', undefined, 2048);
    const appSecret = required(input.appSecret, 'app_secret', /^[\x21-\x7e]+$/, 256);
    const verifyToken = required(input.verifyToken, 'verify_token', /^[\x21-\x7e]+$/, 256);
    const { storage, channels, secrets, clock } = this.deps;
    const linked = (await storage.stores.meta.findAccountsByExternalId(externalId)).filter((account) => account.kind === kind || isCloud === isCloudApiKind(account.kind));
    if (linked.length > 0) throw invalidRequest(`${isCloud ? 'phone_number_id' : 'page_id'} ${externalId} is already linked to channel ${linked[0]!.channelId}`);
    const settings: Record<string, unknown> = isCloud ? { phone_number_id: externalId, waba_id: wabaId } : { page_id: externalId };
    if (input.messagesPerSecond !== undefined) settings.messages_per_second = input.messagesPerSecond;
    if (input.messageTag !== undefined && !isCloud) {
      if (!MESSAGE_TAGS.includes(input.messageTag)) throw invalidRequest(`message_tag must be one of ${MESSAGE_TAGS.join(', ')}`);
      settings.message_tag = input.messageTag;
    }
    return storage.transaction(async (stores) => {
      const channel = await channels.create(project.id, kind, input.name ?? APPLICATIONS[kind], settings, stores);
      const account: MetaAccount = {
        channelId: channel.id,
        projectId: project.id,
        kind,
        externalId,
        wabaId,
        accessToken: secrets.seal(accessToken),
        appSecret: secrets.seal(appSecret),
        verifyTokenHash: hashVerifyToken(verifyToken),
      };
      await stores.meta.putAccount(account, clock.now());
      return { channel, account };
    });
  }

  /**
   * Deletes a project's Meta channel (pm/delete-channel): no push routes to it any more, its link and
   * credentials are erased, its queued messages cancelled and refunded. Undefined: no such Meta channel.
   */
  async remove(project: Project, channelId: number): Promise<{ cancelled: number } | undefined> {
    const channel = (await this.deps.channels.listForProject(project.id)).find((each) => each.id === channelId && each.status !== 'deleted' && isMetaKind(each.kind));
    if (!channel) return undefined;
    await this.deps.channels.update(channel, { status: 'deleted' });
    await this.deps.storage.stores.meta.deleteAccount(channelId);
    this.opened.delete(channelId);
    return { cancelled: await this.deps.messages.cancelQueued([channelId], 'the channel was deleted') };
  }

  /** A deleted project's Meta channels: each removed as by pm/delete-channel, its link and credentials erased. */
  async removeAll(project: Project): Promise<void> {
    for (const channel of await this.deps.channels.listForProject(project.id)) {
      if (channel.status !== 'deleted' && isMetaKind(channel.kind)) await this.remove(project, channel.id);
    }
  }

  /**
   * The account with its credentials opened, for a call to Graph. Kept a few seconds: every message of
   * a busy channel needs them, and a new token still takes effect within CREDENTIALS_TTL_MS.
   */
  async credentials(channelId: number): Promise<OpenCredentials | undefined> {
    const cached = this.opened.get(channelId);
    if (cached) return cached;
    const account = await this.deps.storage.stores.meta.findAccount(channelId);
    if (!account) return undefined;
    const opened = this.open(account);
    this.opened.set(channelId, opened);
    return opened;
  }

  open(account: MetaAccount): OpenCredentials {
    return { account, accessToken: this.deps.secrets.open(account.accessToken), appSecret: this.deps.secrets.open(account.appSecret) };
  }

  /** What answers and the CLI show of a channel's link: ids, and credentials masked. */
  async describe(channelId: number): Promise<Record<string, string>> {
    const opened = await this.credentials(channelId).catch(() => undefined);
    if (!opened) return {};
    const { account } = opened;
    return {
      ...(isCloudApiKind(account.kind) ? { phone_number_id: account.externalId, waba_id: account.wabaId } : { page_id: account.externalId }),
      access_token: maskCredential(opened.accessToken),
      app_secret: maskCredential(opened.appSecret),
      verify_token: 'set (stored as a hash)',
    };
  }
}
