// Wires the group and settings APIs to the channels: which backend an `application` names (a WhatsApp Web
// session that must be connected on this node, or a Cloud API number linked to Meta), and the service.
import { GroupRateLimit, GroupService, PickyError, Status, isCloudApiKind, webStatusName, type ChannelService, type Clock, type GroupBackend, type GroupBackends, type GroupLimits, type MetaChannelService, type Project, type Storage } from '../core/index.js';
import { WebGroupBackend, type MediaFetcher, type SessionHub } from '../channels/whatsapp-web/index.js';
import { CloudGroupBackend } from '../channels/whatsapp-cloud/index.js';
import type { GraphClient } from '../channels/meta/index.js';

export interface GroupChannelDeps {
  storage: Storage;
  channels: ChannelService;
  hub: SessionHub;
  media: MediaFetcher;
  accounts: MetaChannelService;
  graph: GraphClient;
  clock: Clock;
  nodeId: string;
  limits: GroupLimits;
}

type Found = { channelId: number; backend: GroupBackend };

export function createGroupService(deps: GroupChannelDeps): GroupService {
  const { hub } = deps;

  /** The session's socket on this node, or 404 saying why there is none (nothing is queued for later). */
  const web = async (project: Project, application: number): Promise<Found> => {
    const channel = await hub.resolve(project, application);
    const session = await deps.storage.stores.whatsappWeb.findSession(channel.id);
    // A paired session that does not run here (a restart) starts now; an unpaired one is not opened by a group call.
    if (session?.isPaired) await hub.ensureRunning(channel);
    const client = hub.connection(channel.id);
    if (!client) {
      const elsewhere = session && session.leaseNode !== '' && session.leaseNode !== deps.nodeId && session.leaseUntil >= deps.clock.now() ? `, it is open on another gateway node (${session.leaseNode})` : '';
      throw new PickyError(
        Status.noChannel,
        `WhatsApp Web channel ${channel.id} is not connected (${webStatusName(session)}${elsewhere}); nothing was done or queued: pair it (whatsapp-qr) or call again once device-status says CONNECTED`,
      );
    }
    return { channelId: channel.id, backend: new WebGroupBackend(client, channel.id, deps.media) };
  };

  const cloudChannels = async (project: Project) => (await deps.channels.listForProject(project.id)).filter((channel) => channel.status === 'active' && isCloudApiKind(channel.kind));

  const cloud = async (channelId: number): Promise<Found> => {
    const opened = await deps.accounts.credentials(channelId);
    if (!opened) throw new PickyError(Status.officialNotActive, `WhatsApp Cloud API channel ${channelId} is not linked to Meta`);
    return { channelId, backend: new CloudGroupBackend(deps.graph, opened, channelId) };
  };

  const named = async (project: Project, application: number): Promise<Found> => {
    if (await hub.isWebApplication(project, application)) return web(project, application);
    const channel = (await cloudChannels(project)).find((each) => each.id === application || each.kind === application);
    if (channel) return cloud(channel.id);
    throw new PickyError(Status.noChannel, `application ${application} is no WhatsApp Web or WhatsApp Cloud API channel of this project`);
  };

  const backends: GroupBackends = {
    // Groups are a WhatsApp Web matter first (application 10 when none is given), as in the contract.
    forGroups: (project, application) => named(project, application ?? 10),
    // Profile settings are a WhatsApp Official matter first: the first Cloud API number, else the WhatsApp Web session.
    async forSettings(project, application) {
      if (application !== undefined) return named(project, application);
      const [first] = await cloudChannels(project);
      if (first) return cloud(first.id);
      const hasWeb = (await deps.channels.listForProject(project.id)).some((channel) => channel.status === 'active' && channel.kind === 10);
      if (hasWeb) return web(project, 10);
      throw new PickyError(Status.officialNotActive, 'the project has no WhatsApp Official channel (application 8, 101 or 121) and no WhatsApp Web channel');
    },
  };
  return new GroupService({ backends, limits: new GroupRateLimit(deps.clock, deps.limits) });
}
