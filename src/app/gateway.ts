// The single place that wires everything together: storage, domain services, HTTP, background timers.
import { lookup } from 'node:dns/promises';
import type { AddressInfo } from 'node:net';
import { publicUrl, type Config } from '../config/index.js';
import {
  AccountService,
  CallService,
  ApiTokenService,
  Authenticator,
  ChannelRegistry,
  ChannelService,
  MessageService,
  PHONE_KINDS,
  PriceTable,
  ProjectService,
  PushService,
  DeviceService,
  InboundService,
  UrlPolicy,
  WalletService,
  WebhookCaller,
  WebhookService,
  InstantReplySender,
  parseRetrySchedule,
  systemClock,
  type Channel,
  type Clock,
  type HostResolver,
  type Project,
  type SecretBox,
  type Stores,
} from '../core/index.js';
import { AuthThrottle, ConsoleSessions, HttpCloser, PushRateLimit, buildHttpServer, type HttpServer } from '../http/index.js';
import { openStorage, type SqlStorage } from '../storage/index.js';
import { AppPhoneHub, BridgeHub, DeviceDirectories } from '../bridge/index.js';
import { BridgeChannel } from '../channels/bridge/index.js';
import { CallDispatcher, PhoneDispatcher, WebDispatcher, WebhookDispatcher, createMediaGetter, createWebhookPoster, isReservedAddress } from '../dispatch/index.js';
import { MediaFetcher, SessionEvents, SessionHub, WhatsAppWebChannel, createBaileysClientFactory, type WaClientFactory } from '../channels/whatsapp-web/index.js';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createLogger, type Logger } from './logger.js';
import { detectMediaType } from '../media/index.js';
import { loadSecretBox } from './secret-key-file.js';
import { createGroupService } from './group-channels.js';
import { wireMetaChannels, type MetaChannels } from './meta-channels.js';
import { packageVersion, wireMetrics } from './metrics-wiring.js';
import { NodeWakeups } from './node-wakeups.js';
import { nodeWakeupTargets } from './node-wakeup-targets.js';

export interface GatewayOptions {
  config: Config;
  logger?: Logger;
  clock?: Clock;
  resolveHost?: HostResolver;
  /** An already opened storage (tests); otherwise the one DATABASE_URL names is opened. */
  storage?: SqlStorage;
  /** Channel implementations to register besides the built-in ones (tests). */
  channels?: Channel[];
  /** Opens WhatsApp Web sockets; Baileys unless given (tests give a fake: no test reaches WhatsApp). */
  whatsappClients?: WaClientFactory;
}

export interface GatewayServices {
  accounts: AccountService;
  projects: ProjectService;
  tokens: ApiTokenService;
  wallet: WalletService;
  authenticator: Authenticator;
  prices: PriceTable;
  urlPolicy: UrlPolicy;
  registry: ChannelRegistry;
  channels: ChannelService;
  messages: MessageService;
  pushes: PushService;
  devices: DeviceService;
  inbound: InboundService;
  webhooks: WebhookService;
  webhookCaller: WebhookCaller;
  calls: CallService;
  /** Seals secrets the gateway stores and must read back (SWITCHBOARD_SECRET_KEY). */
  secrets: SecretBox;
  /** This process's id in leases (devices, WhatsApp Web sessions). */
  nodeId: string;
  /** A project as webhook work must see it: current, and read through `stores` inside a transaction. */
  findProject(projectId: number, stores?: Stores): Promise<Project | undefined>;
}

export interface Gateway {
  config: Config;
  logger: Logger;
  storage: SqlStorage;
  services: GatewayServices;
  http: HttpServer;
  /** The devices connected to this node. */
  bridge: BridgeHub;
  /** Works the webhook outbox (started by `listen`). */
  webhookDispatcher: WebhookDispatcher;
  /** The WhatsApp Web sessions this node runs. */
  whatsappWeb: SessionHub;
  /** Meta channels: accounts, webhook intake, templates, send queue. */
  meta: MetaChannels;
  /** The URL clients and phones use; known for certain once the server listens. */
  publicUrl(): string;
  listen(): Promise<string>;
  startBackgroundWork(): void;
  close(): Promise<void>;
}

/** A console sign-in lasts a working day; then the master token is asked for again. */
const CONSOLE_SESSION_MS = 8 * 60 * 60_000;
/** Why a deleted project's queued messages and conferences were cancelled (their `last_error`, `reason`). */
const PROJECT_DELETED = 'project deleted';
/**
 * Push batches a node writes at once, even on PostgreSQL: each debits the installation's one wallet and holds
 * its row lock until it commits, so batches in flight together only queue on that lock, each smaller. One at a
 * time, the pushes arriving meanwhile join the next batch: 2–3× the pushes/s of four (docs/performance.md).
 */
const PUSH_WRITE_CONCURRENCY = 1;

/** How long a stopping gateway lets requests in progress finish before it cuts their connections. */
const REQUEST_DRAIN_MS = 1000;

const resolveWithDns: HostResolver = async (host) => (await lookup(host, { all: true })).map((entry) => entry.address);

export function createServices(
  storage: SqlStorage,
  config: Config,
  clock: Clock,
  resolveHost: HostResolver,
  secrets: SecretBox = loadSecretBox(config).box,
): GatewayServices {
  const authenticator = new Authenticator(storage, clock, config.tokenCacheTtlMs);
  const wallet = new WalletService(storage, clock);
  const prices = new PriceTable({ messagePrices: config.messagePrices, planFees: config.planFees });
  const urlPolicy = new UrlPolicy({ allowPrivate: config.allowPrivateUrls, resolve: resolveHost, isReserved: isReservedAddress });
  const tokens = new ApiTokenService(storage, clock, authenticator);
  const registry = new ChannelRegistry();
  const channels = new ChannelService(storage, clock, config.tokenCacheTtlMs);
  const projects = new ProjectService({ storage, clock, prices, wallet, tokens, authenticator, urlPolicy, channels });
  const accounts = new AccountService(storage, clock, wallet, authenticator);
  // SQLite serves one process; on PostgreSQL several batches may commit side by side.
  const writeConcurrency = storage.capabilities.supportsConcurrentWriters ? 4 : 1;
  // A single SQLite gateway is the only writer, so it may remember the messages it moved last.
  const messages = new MessageService(storage, clock, wallet, writeConcurrency, storage.capabilities.supportsConcurrentWriters ? 0 : 10_000);
  // One gateway process on SQLite is always the same node; on PostgreSQL each process is its own.
  const nodeId = storage.capabilities.supportsConcurrentWriters ? `node-${randomBytes(6).toString('hex')}` : 'local';
  const devices = new DeviceService(storage, clock, messages, nodeId);
  const inbound = new InboundService(storage, clock, writeConcurrency);
  // Webhook settings and secrets must be current for every call. The one SQLite gateway makes every
  // change itself (so its cache is never stale); several PostgreSQL nodes each read the row.
  const findProject = (id: number, stores: Stores = storage.stores): Promise<Project | undefined> =>
    storage.capabilities.supportsConcurrentWriters ? stores.projects.findById(id) : authenticator.findProject(id, stores);
  const webhookSettings = { retrySchedule: parseRetrySchedule(config.webhookRetrySchedule)!, batchMs: config.webhookBatchMs, batchMax: config.webhookBatchMax, writeConcurrency };
  const webhooks = new WebhookService({ storage, clock, settings: webhookSettings, findProject });
  inbound.onReceived(webhooks.enqueueInbound);
  messages.onTransition(webhooks.enqueueReports);
  // Connections resolve names the way the URL policy does (DNS, or a test's resolver) and, unless private
  // addresses are allowed, refuse a reserved answer at connect time.
  const poster = createWebhookPoster({ connections: config.webhookConcurrency, allowPrivate: config.allowPrivateUrls, resolve: resolveHost });
  const webhookCaller = new WebhookCaller({ poster, urlPolicy, clock, timeoutMs: config.webhookTimeoutMs });
  const pushes = new PushService({
    storage,
    clock,
    prices,
    registry,
    channels,
    urlPolicy,
    detectMediaType,
    settings: {
      maxRecipients: config.maxRecipients,
      idempotencyTtlMs: config.idempotencyTtlMs,
      maxBatchMessages: config.writeBatchMessages,
      writeConcurrency: PUSH_WRITE_CONCURRENCY,
    },
  });
  // Calls (issue 6).
  const calls = new CallService({ storage, clock, prices, channels, settings: { answerTimeoutMs: config.callAnswerTimeoutMs, maxDurationMs: config.callMaxDurationMs } });
  calls.onTransition(webhooks.enqueueCallEvents);
  devices.attachCalls(calls);
  return { accounts, projects, tokens, wallet, authenticator, prices, urlPolicy, registry, channels, messages, pushes, devices, inbound, webhooks, webhookCaller, calls, secrets, nodeId, findProject };
}

/** The configured (or generated) secret key, checked against the database, which is sealed under it. */
async function attachSecrets(storage: SqlStorage, config: Config, logger: Logger): Promise<SecretBox> {
  const loaded = loadSecretBox(config);
  if (loaded.source === 'generated') logger.info({ file: loaded.file, keyId: loaded.box.keyId }, 'secret key generated');
  storage.useSecrets(loaded.box);
  const { sealed } = await storage.sealSecrets();
  if (sealed > 0) logger.info({ sealed, keyId: loaded.box.keyId }, 'secrets sealed');
  return loaded.box;
}

/** Opens storage, applies migrations and builds the gateway; it serves nothing until `listen`. */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const storage = options.storage ?? (await openStorage({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, poolSize: config.dbPoolSize }));
  const applied = await storage.migrate();
  if (applied.length > 0) logger.info({ applied }, 'database migrated');
  const secrets = await attachSecrets(storage, config, logger).catch(async (error: unknown) => {
    if (!options.storage) await storage.close();
    throw error;
  });

  const resolveHost = options.resolveHost ?? resolveWithDns;
  const services = createServices(storage, config, clock, resolveHost, secrets);
  for (const channel of options.channels ?? []) services.registry.register(channel);
  let listeningPort: number | undefined;
  const currentPublicUrl = () => publicUrl(config, listeningPort);
  const logError = (error: unknown, context: string) => logger.error({ err: error, context }, 'background work failed');
  // WhatsApp Web (application 10): a session opens only when an application-10 call asks for it, or at
  // `listen` when it was paired before.
  const webHub: SessionHub = new SessionHub({
    storage,
    channels: services.channels,
    messages: services.messages,
    events: new SessionEvents({ storage, inbound: services.inbound, messages: services.messages, clock, publicUrl: currentPublicUrl, maxMediaBytes: config.whatsappWebMediaMaxBytes, mediaTimeoutMs: config.whatsappWebMediaTimeoutMs, logError, groupEvent: (event) => services.webhooks.groupEvent(event) }),
    factory: options.whatsappClients ?? createBaileysClientFactory(),
    clock,
    nodeId: services.nodeId,
    settings: { leaseMs: config.whatsappWebLeaseMs, qrWaitMs: config.whatsappWebQrWaitMs, backoff: { initialMs: config.whatsappWebReconnectMinMs, maxMs: config.whatsappWebReconnectMaxMs, jitter: 0.5 } },
    logger: { info: (details, message) => logger.info(details, message), warn: (details, message) => logger.warn(details, message), debug: (details, message) => logger.debug(details, message) },
    logError,
    onConnected: (channelId) => webDispatcher.connected(channelId),
    isProjectDeleted: (projectId) => services.projects.isDeleted(projectId),
    onHeldElsewhere: (channelId) => wakeups?.wake('session', channelId),
  });
  // Phones running the SMS Gateway for Android app (its mobile API); they join the bridge's devices below.
  const appPhones: AppPhoneHub = new AppPhoneHub({
    devices: services.devices,
    messages: services.messages,
    inbound: services.inbound,
    channels: services.channels,
    findProject: (projectId) => storage.stores.projects.findById(projectId),
    isProjectDeleted: (projectId) => services.projects.isDeleted(projectId),
    frameFor: (message) => bridgeChannel.frameFor(message),
    clock,
    settings: { maxInFlight: config.deviceMaxInFlight, presenceMs: config.appPhonePresenceMs, delayMs: config.appPhoneDelayMs, keepAliveMs: Math.min(config.deviceHeartbeatMs, 25_000) },
    onWork: (projectId) => dispatcher?.wake(projectId),
    onRoomFreed: (projectId) => dispatcher?.roomFreed(projectId),
    logError,
    logInfo: (details, message) => logger.info(details, message),
  });
  const mediaHttp = createMediaGetter({ allowPrivate: config.allowPrivateUrls, resolve: resolveHost });
  const media = new MediaFetcher({ store: () => storage.stores.whatsappWeb, urlPolicy: services.urlPolicy, http: mediaHttp, clock, maxBytes: config.whatsappWebMediaMaxBytes, timeoutMs: config.whatsappWebMediaTimeoutMs });
  const webChannel = new WhatsAppWebChannel({ storage, media, connection: (channelId) => webHub.connection(channelId) });
  // A test may serve application 10 with its own channel; then no session ever opens.
  const isWebServed = !services.registry.forKind(10);
  if (isWebServed) services.registry.register(webChannel);
  const webDispatcher = new WebDispatcher({
    storage,
    messages: services.messages,
    channel: webChannel,
    isReady: (channelId) => webHub.isReadyToSend(channelId),
    requeueUnsent: (channelId) => webHub.requeueUnsent(channelId),
    clock,
    gap: { minMs: config.whatsappWebGapMinMs, maxMs: config.whatsappWebGapMaxMs },
    maxAttempts: config.whatsappWebMaxAttempts,
    logError,
  });
  services.pushes.onAccepted((projectId, channelId) => {
    if (!isWebServed) return;
    void (async () => {
      const channel = (await services.channels.listForProject(projectId)).find((each) => each.id === channelId && each.kind === 10);
      if (!channel) return;
      if (await webHub.ensureRunning(channel)) webDispatcher.wake(channelId);
      else wakeups?.wake('web', channelId);
    })().catch((error: unknown) => logError(error, 'WhatsApp Web push'));
  });

  // WhatsApp Cloud API (8, 101, 121) and Messenger (5), through Meta's Graph API.
  const meta = wireMetaChannels({ storage, services, config, clock, publicUrl: currentPublicUrl, logError });
  const metrics = wireMetrics({ storage, services, clock, devices: () => hub.connectedSnapshot(), whatsappWebSessions: () => webHub.sessionCounts() });
  const http = buildHttpServer({
    logger,
    bodyLimitBytes: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    requestTimeoutMs: config.requestTimeoutMs,
    readiness: () => storage.isReady(),
    authenticator: services.authenticator,
    throttle: new AuthThrottle(clock, config.authFailureLimit),
    projects: services.projects,
    tokens: services.tokens,
    wallet: services.wallet,
    publicUrl: currentPublicUrl,
    pushes: services.pushes,
    storage,
    pushRateLimit: new PushRateLimit(clock, config.pushRateLimit),
    devices: services.devices,
    webhooks: services.webhooks,
    webhookCaller: services.webhookCaller,
    calls: services.calls,
    clock,
    onWebhookWork: () => webhookDispatcher.wake(),
    channels: services.channels,
    whatsappWeb: webHub,
    metaChannels: meta.accounts,
    metaWebhooks: meta.intake,
    metaMedia: meta.media,
    templates: meta.templates,
    groups: createGroupService({
      storage,
      channels: services.channels,
      hub: webHub,
      media,
      accounts: meta.accounts,
      graph: meta.graph,
      clock,
      nodeId: services.nodeId,
      limits: { actionsPerHour: config.groupActionsPerHour, createsPerDay: config.groupCreatesPerDay },
    }),
    metrics,
    metricsToken: config.metricsToken,
    version: packageVersion(),
    console: {
      sessions: new ConsoleSessions({
        store: () => storage.stores.consoleSessions,
        clock,
        authenticator: services.authenticator,
        lifetimeMs: CONSOLE_SESSION_MS,
        isPublicHttps: () => currentPublicUrl().startsWith('https:'),
      }),
      project: (accountId, projectId) => services.projects.get(accountId, projectId),
    },
    // The build writes the console beside the compiled server; from src/ (tests) the same folder is two up.
    consoleDir: fileURLToPath(new URL('../../dist/console/', import.meta.url)),
    consoleLive: { pollMs: 1000, maxStreamMs: 5 * 60_000 },
    appPhones: { appPhones, configuredPublicUrl: config.publicUrl },
  });
  const httpCloser = new HttpCloser(http);

  let dispatcher: PhoneDispatcher | undefined;
  let callDispatcher: CallDispatcher | undefined;
  // The hub and the bridge channel know each other: the channel reaches devices through the hub, the hub
  // builds resent frames through the channel. The callback breaks the knot.
  const hub: BridgeHub = new BridgeHub({
    devices: services.devices,
    messages: services.messages,
    inbound: services.inbound,
    webhooks: services.webhooks,
    calls: services.calls,
    channels: services.channels,
    frameFor: (message) => bridgeChannel.frameFor(message),
    clock,
    settings: { heartbeatMs: config.deviceHeartbeatMs, offlineAfterMs: config.deviceOfflineMs, maxInFlight: config.deviceMaxInFlight, helloTimeoutMs: config.deviceHelloTimeoutMs },
    onWork: (projectId) => {
      dispatcher?.wake(projectId);
      callDispatcher?.wake(projectId);
    },
    onRoomFreed: (projectId) => dispatcher?.roomFreed(projectId),
    // Another PostgreSQL node may delete a project; a single SQLite gateway deletes them itself (below).
    ...(storage.capabilities.supportsConcurrentWriters ? { isProjectDeleted: (projectId: number) => services.projects.isDeleted(projectId) } : {}),
    logError,
    logInfo: (details, message) => logger.info(details, message),
  });
  const directory = new DeviceDirectories(hub, appPhones);
  const bridgeChannel = new BridgeChannel({ devices: directory, storage, publicUrl: currentPublicUrl });
  services.registry.register(bridgeChannel);
  dispatcher = new PhoneDispatcher({ storage, messages: services.messages, channels: services.channels, bridge: bridgeChannel, directory, clock, logError });
  services.pushes.useDirectHandOver(dispatcher);
  services.devices.attach(directory);
  callDispatcher = new CallDispatcher({ calls: services.calls, directory: hub, clock, logError });
  services.calls.onWork((projectId) => {
    callDispatcher?.wake(projectId);
    wakeups?.wake('call', projectId);
  });
  services.pushes.onAccepted((projectId, _channelId, accepted) => {
    services.devices.resumeAfterPush(projectId).catch((error: unknown) => logError(error, 'resume after push'));
    dispatcher?.accepted(projectId);
    // Messages no device here took at once: another node's phones may take them.
    if (accepted.queued > 0 && PHONE_KINDS.includes(accepted.application)) wakeups?.wake('phone', projectId);
  });
  // Several PostgreSQL nodes: work accepted here for phones, conferences or WhatsApp Web sessions that
  // another node holds, a command for such a session, a project deleted, reach that node at once; the
  // polls and lease renewals stay as the fallback.
  const wakeups =
    storage.nodeChannel &&
    new NodeWakeups({
      channel: storage.nodeChannel,
      nodeId: services.nodeId,
      targets: nodeWakeupTargets({ directory, phoneDispatcher: () => dispatcher, callDispatcher: () => callDispatcher, webDispatcher, webHub, projects: services.projects, logError }),
      logError,
      logState: (level, message) => logger[level]({}, message),
    });

  const webhookDispatcher = new WebhookDispatcher({
    findProject: (id) => services.findProject(id),
    webhooks: services.webhooks,
    caller: services.webhookCaller,
    replies: new InstantReplySender({ storage, pushes: services.pushes }),
    clock,
    settings: { concurrency: config.webhookConcurrency, perOrigin: config.webhookConcurrencyPerOrigin, timeoutMs: config.webhookTimeoutMs, pollMs: config.webhookPollMs, batchMs: config.webhookBatchMs },
    logError,
  });
  services.webhooks.attachWorker(webhookDispatcher);
  // A deleted project's phones and WhatsApp Web sessions on this node stop (its numbers logged out) before
  // pm/delete-project answers, what it had queued, which nothing will send now, is cancelled and refunded,
  // and its Meta channels are removed (all as deleting a channel does).
  services.projects.onDeleted(async (projectId) => {
    wakeups?.wake('deleted', projectId);
    directory.disconnectProject(projectId);
    await webHub.unlinkProject(projectId);
    const channelIds = (await storage.stores.channels.listByProject(projectId)).map((channel) => channel.id);
    const messages = await services.messages.cancelQueued(channelIds, PROJECT_DELETED);
    const conferences = await services.calls.cancelQueued(projectId, PROJECT_DELETED);
    // Then its Meta channels go as pm/delete-channel removes them: no Graph credentials outlive the project.
    const project = await storage.stores.projects.findById(projectId);
    if (project) await meta.accounts.removeAll(project);
    if (messages > 0 || conferences > 0) logger.info({ projectId, messages, conferences }, 'project deleted: its queue was cancelled and refunded');
  });
  // Operator lines; the URL stays out (receivers put tokens in query strings).
  services.webhooks.onExhausted((delivery, error) =>
    logger.info({ projectId: delivery.projectId, deliveryId: delivery.id, kind: delivery.kind, attempts: delivery.attempts, error }, 'webhook delivery exhausted'),
  );
  services.projects.onExpired((projectId) => logger.info({ projectId }, 'project expired: the wallet could not pay its plan'));

  const timers: NodeJS.Timeout[] = [];
  const forgetOldKeys = () =>
    storage.stores.pushes.deleteIdempotencyKeysBefore(clock.now() - config.idempotencyTtlMs).catch((error: unknown) => logger.error({ err: error }, 'idempotency key clean-up failed'));
  const renew = () =>
    services.projects.renewDue().then(
      (result) => (result.renewed || result.expired ? logger.info(result, 'billing periods renewed') : undefined),
      (error: unknown) => logger.error({ err: error }, 'billing renewal failed'),
    );

  return {
    config,
    logger,
    storage,
    services,
    http,
    bridge: hub,
    webhookDispatcher,
    whatsappWeb: webHub,
    meta,
    publicUrl: currentPublicUrl,
    async listen() {
      // Only a serving gateway owns device sessions: one-shot CLI commands build the same services but
      // must not touch devices that a running gateway holds.
      await services.devices.forgetPreviousSessions();
      hub.attach(http.server);
      appPhones.start();
      wakeups?.start();
      dispatcher?.poll(config.dispatchPollMs, () => directory.connectedProjects());
      callDispatcher?.poll(config.dispatchPollMs, () => hub.connectedProjects());
      // A single node restarting holds no calls any more: what it held is due at once, not after the lease.
      if (!storage.capabilities.supportsConcurrentWriters) await services.webhooks.releaseClaims();
      webhookDispatcher.start();
      if (isWebServed) {
        await webHub.resumePaired();
        webHub.watchOrphans();
      }
      webDispatcher.poll(config.dispatchPollMs, () => webHub.runningChannels());
      await meta.start();
      await http.listen({ port: config.port, host: config.host });
      listeningPort = (http.server.address() as AddressInfo).port;
      return currentPublicUrl();
    },
    startBackgroundWork() {
      void renew();
      void forgetOldKeys();
      timers.push(setInterval(() => void renew(), config.billingIntervalMs));
      timers.push(setInterval(() => void forgetOldKeys(), 3_600_000));
      for (const timer of timers) timer.unref();
    },
    async close() {
      // See "Stopping" in docs/configuration.md: bounded whatever receivers, clients and devices do.
      const startedAt = Date.now();
      for (const timer of timers) clearInterval(timer);
      httpCloser.stopAccepting();
      // Open event streams would hold the drain below until its limit: the app reconnects on its own.
      appPhones.close();
      // Rounds under way end (a socket closed below fails its send at once) and are recorded.
      const dispatchersStopped = Promise.all([dispatcher?.close(), callDispatcher?.close(), webDispatcher.close(), wakeups?.close()]);
      // Graph calls in flight are cut; what they carried is queued again.
      const metaStopped = meta.close();
      // Webhook calls in flight are cut now (a request waiting on one, pm/test-webhook, then ends too);
      // the dispatcher releases their claims, so they are due again at once on the next node or start.
      services.webhookCaller.abort();
      const webhooksStopped = webhookDispatcher.close();
      const isDrained = await httpCloser.drain(REQUEST_DRAIN_MS);
      await hub.close();
      await webHub.close();
      await mediaHttp.close();
      await httpCloser.close();
      // Writes accepted before the close (a device's last reports, a push answered 100) commit first.
      const { messages, inbound, pushes, webhooks } = services;
      await Promise.all([metaStopped, dispatchersStopped]);
      await Promise.all([messages.whenIdle(), inbound.whenIdle(), pushes.whenIdle()]);
      await webhooksStopped;
      // Again: a call handed over by a write that committed during the stop is released before storage closes.
      await webhookDispatcher.close();
      await webhooks.whenIdle();
      await services.webhookCaller.close();
      await storage.close();
      logger.info({ ms: Date.now() - startedAt, requestsCut: !isDrained }, 'shutdown complete');
    },
  };
}
