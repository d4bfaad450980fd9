// The channels configured for each project (rows), cached like tokens because every push routes by them.
import type { Application } from '../applications.js';
import type { Clock } from '../clock.js';
import type { Project } from '../project.js';
import type { Storage, Stores } from '../stores.js';
import { TtlCache } from '../ttl-cache.js';
import type { ChannelRecord } from './channel.js';

/** A phone-automation project talks through its paired phones: WhatsApp, WhatsApp Business, SMS, calls. */
export const PHONE_AUTOMATION_CHANNELS: readonly { kind: Application; name: string }[] = [
  { kind: 1, name: 'WhatsApp (phone)' },
  { kind: 2, name: 'WhatsApp Business (phone)' },
  { kind: 3, name: 'SMS (phone)' },
  { kind: 4, name: 'Calls (phone)' },
];

/** Kinds a project gets a channel of on its first call for them, as the hosted service provisions one WhatsApp Web server per project. */
export const ON_DEMAND_CHANNELS: readonly { kind: Application; name: string }[] = [{ kind: 10, name: 'WhatsApp Web' }];

export class ChannelService {
  private readonly cache: TtlCache<number, ChannelRecord[]>;
  /** Provisioning in progress per project and kind: concurrent first calls create one channel. */
  private readonly provisioning = new Map<string, Promise<ChannelRecord>>();

  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    ttlMs: number,
  ) {
    this.cache = new TtlCache(clock, ttlMs);
  }

  async listForProject(projectId: number): Promise<ChannelRecord[]> {
    const cached = this.cache.get(projectId);
    if (cached) return cached;
    const channels = await this.storage.stores.channels.listByProject(projectId);
    this.cache.set(projectId, channels);
    return channels;
  }

  async create(projectId: number, kind: Application, name: string, settings: Record<string, unknown> = {}, stores: Stores = this.storage.stores): Promise<ChannelRecord> {
    const channel = await stores.channels.create({ projectId, kind, name, settings, status: 'active' }, this.clock.now());
    this.cache.delete(projectId);
    return channel;
  }

  /** The channels a new project starts with, by its service. */
  async provisionDefaults(project: Project, stores: Stores): Promise<void> {
    if (project.service !== 1) return;
    for (const { kind, name } of PHONE_AUTOMATION_CHANNELS) await this.create(project.id, kind, name, {}, stores);
  }

  /** The project's first active channel of an on-demand kind, created when it has none. */
  async findOrProvision(projectId: number, kind: Application): Promise<ChannelRecord | undefined> {
    const existing = (await this.listForProject(projectId)).find((channel) => channel.kind === kind && channel.status === 'active');
    const template = ON_DEMAND_CHANNELS.find((candidate) => candidate.kind === kind);
    if (existing || !template) return existing;
    const key = `${projectId}:${kind}`;
    let pending = this.provisioning.get(key);
    if (!pending) {
      pending = this.create(projectId, kind, template.name).finally(() => this.provisioning.delete(key));
      this.provisioning.set(key, pending);
    }
    return pending;
  }

  async update(channel: ChannelRecord, changes: Partial<Pick<ChannelRecord, 'name' | 'settings' | 'status'>>): Promise<ChannelRecord> {
    await this.storage.stores.channels.update(channel.id, changes, this.clock.now());
    this.cache.delete(channel.projectId);
    return { ...channel, ...changes };
  }
}
