// Wires Meta's channels: one Graph client (the only code that talks to Graph), the Cloud API and
// Messenger channels, the webhook intake and inbox, the send queue, and the template service with its
// periodic sync. The gateway starts them at `listen` and stops them at `close`.
import { MetaChannelService, type Channel, type Clock, type InboxEvent } from '../core/index.js';
import type { Config } from '../config/index.js';
import { GraphClient, MetaWebhookIntake } from '../channels/meta/index.js';
import { CloudEvents, TemplateService, WhatsAppCloudChannel } from '../channels/whatsapp-cloud/index.js';
import { MessengerChannel, MessengerEvents } from '../channels/messenger/index.js';
import { MetaDispatcher } from '../dispatch/index.js';
import type { SqlStorage } from '../storage/index.js';
import type { GatewayServices } from './gateway.js';

export interface MetaChannels {
  accounts: MetaChannelService;
  /** The one Graph client, for the group and settings APIs on Cloud API numbers. */
  graph: GraphClient;
  intake: MetaWebhookIntake;
  templates: TemplateService;
  dispatcher: MetaDispatcher;
  media(id: string): Promise<{ mime: string; data: Buffer } | undefined>;
  start(): Promise<void>;
  close(): Promise<void>;
}

export function wireMetaChannels(options: { storage: SqlStorage; services: GatewayServices; config: Config; clock: Clock; publicUrl: () => string; logError(error: unknown, context: string): void }): MetaChannels {
  const { storage, services, config, clock, logError } = options;
  const graph = new GraphClient({ baseUrl: config.metaGraphUrl, timeoutMs: config.metaGraphTimeoutMs });
  const accounts = new MetaChannelService({ storage, channels: services.channels, messages: services.messages, secrets: services.secrets, clock });
  const cloud = new WhatsAppCloudChannel({ storage, graph, accounts, clock });
  const messenger = new MessengerChannel({ storage, graph, accounts, clock });
  // A test may serve these applications with its own channel.
  for (const channel of [cloud, messenger] as Channel[]) if (channel.kinds.every((kind) => !services.registry.forKind(kind))) services.registry.register(channel);
  const cloudEvents = new CloudEvents({ storage, graph, accounts, inbound: services.inbound, messages: services.messages, clock, publicUrl: options.publicUrl, maxMediaBytes: config.whatsappWebMediaMaxBytes, logError });
  const messengerEvents = new MessengerEvents({ storage, inbound: services.inbound, messages: services.messages, clock });
  const processEvent = (event: InboxEvent) => (event.kind.startsWith('fb_') ? messengerEvents.process(event) : cloudEvents.process(event));
  const dispatcher = new MetaDispatcher({
    storage,
    messages: services.messages,
    clock,
    channelFor: (kind) => services.registry.forKind(kind as never),
    processEvent,
    settings: {
      messagesPerSecond: config.metaMessagesPerSecond,
      maxAttempts: config.metaMaxAttempts,
      maxInFlight: config.metaMaxInFlight,
      staleSendingMs: config.metaGraphTimeoutMs * 2 + 10_000,
      // Processing one event may wait for one Graph call (a media download).
      inboxClaimMs: config.metaGraphTimeoutMs * 2 + 5_000,
    },
    logError,
  });
  const intake = new MetaWebhookIntake({ storage, accounts, clock, onStored: () => dispatcher.wakeInbox(), logError });
  const templates = new TemplateService({ storage, graph, accounts, channels: services.channels, clock, logError });
  services.pushes.onAccepted((_projectId, channelId) => dispatcher.wake(channelId));
  let syncTimer: NodeJS.Timeout | undefined;
  return {
    accounts,
    graph,
    intake,
    templates,
    dispatcher,
    media: (id) => storage.stores.meta.findMedia(id),
    async start() {
      await dispatcher.start(config.dispatchPollMs, !storage.capabilities.supportsConcurrentWriters);
      const sync = () => void templates.sync().catch((error: unknown) => logError(error, 'template sync'));
      syncTimer = setInterval(sync, config.metaTemplateSyncMs);
      syncTimer.unref();
    },
    async close() {
      if (syncTimer) clearInterval(syncTimer);
      // Graph calls are cut rather than awaited (up to SWITCHBOARD_META_GRAPH_TIMEOUT_MS each): a stop
      // finishes within seconds, and what they carried is queued again from the database.
      graph.close();
      await dispatcher.close();
    },
  };
}
