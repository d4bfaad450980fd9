// The WhatsApp Web sessions of this node: finds (or provisions) a project's channel for an application-10
// call, runs its session here when this node can hold its lease, and answers the status, command, QR and
// pairing-code APIs. Sessions open only when asked for, or at start when they were paired before.
import type { BackoffSettings } from '../../agent/reconnect-backoff.js';
import {
  PickyError,
  Status,
  requireApplicationInPlan,
  webStatusReport,
  type ChannelRecord,
  type ChannelService,
  type Clock,
  type MessageService,
  type Project,
  type Storage,
  type WebCommand,
  type WebMedia,
  type WebPairing,
  type WebSession,
  type WhatsAppWebSessions,
} from '../../core/index.js';
import { SessionRunner, type SessionListener } from './session-runner.js';
import type { SessionEvents } from './session-events.js';
import type { WaClient, WaClientFactory, WaLogger } from './wa-client.js';

export interface SessionHubSettings {
  leaseMs: number;
  backoff: BackoffSettings;
  qrWaitMs: number;
}

export interface SessionHubDeps {
  storage: Storage;
  channels: ChannelService;
  messages: MessageService;
  events: SessionEvents;
  factory: WaClientFactory;
  clock: Clock;
  nodeId: string;
  settings: SessionHubSettings;
  logger: WaLogger;
  logError(error: unknown, context: string): void;
  /** A session connected: its queue can move. */
  onConnected(channelId: number): void;
  /** Read fresh: a project deleted on any node stops its sessions at the next lease renewal, and for good. */
  isProjectDeleted(projectId: number): Promise<boolean>;
  /** A command or a removal for a session another node may run: that node is told to look at it now. */
  onHeldElsewhere?(channelId: number): void;
}

/** How long deleting a project waits for WhatsApp to confirm a logout. */
const LOGOUT_WAIT_MS = 5_000;

/** Resolves when `work` settles or after `ms`, whichever is first. */
function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    work.then(done, done);
  });
}

interface Running {
  runner: SessionRunner;
  channel: ChannelRecord;
}

export class SessionHub implements WhatsAppWebSessions {
  private readonly running = new Map<number, Running>();
  private leaseTimer: NodeJS.Timeout | undefined;
  /** The renewal under way (or queued) per channel. */
  private readonly renewals = new Map<number, Promise<void>>();
  private orphanTimer: NodeJS.Timeout | undefined;
  private isClosed = false;

  constructor(private readonly deps: SessionHubDeps) {}

  /** The open socket of a session this node runs. */
  connection(channelId: number): WaClient | undefined {
    return this.running.get(channelId)?.runner.connection;
  }

  /** Connected on this node (the dispatcher puts back what an earlier socket left `sending` first). */
  isReadyToSend(channelId: number): boolean {
    return this.connection(channelId) !== undefined;
  }

  /** Sessions this node runs, connected to WhatsApp or not (yet): for the metrics. */
  sessionCounts(): { connected: number; connecting: number } {
    let connected = 0;
    for (const { runner } of this.running.values()) if (runner.isConnected) connected += 1;
    return { connected, connecting: this.running.size - connected };
  }

  runningChannels(): number[] {
    return [...this.running.keys()];
  }

  async isWebApplication(project: Project, application: number): Promise<boolean> {
    if (application === 10) return true;
    return (await this.deps.channels.listForProject(project.id)).some((channel) => channel.id === application && channel.kind === 10 && channel.status === 'active');
  }

  /** 10 is the project's first WhatsApp Web channel (made on first use); another number, one of its channel ids. */
  async resolve(project: Project, application: number): Promise<ChannelRecord> {
    requireApplicationInPlan(project.billingPlan, 10);
    const channel =
      application === 10
        ? await this.deps.channels.findOrProvision(project.id, 10)
        : (await this.deps.channels.listForProject(project.id)).find((each) => each.id === application && each.kind === 10 && each.status === 'active');
    if (!channel) throw new PickyError(Status.noChannel, `the project has no WhatsApp Web channel ${application}`);
    return channel;
  }

  /** Runs the channel's session on this node unless another node holds it; answers the runner here, if any. */
  async ensureRunning(channel: ChannelRecord): Promise<SessionRunner | undefined> {
    if (this.isClosed) return undefined;
    const known = this.running.get(channel.id);
    if (known) {
      void known.runner.start();
      return known.runner;
    }
    const { clock, storage, settings } = this.deps;
    await storage.stores.whatsappWeb.ensureSession(channel.id, channel.projectId, clock.now());
    if (!(await storage.stores.whatsappWeb.acquireLease(channel.id, this.deps.nodeId, clock.now() + settings.leaseMs, clock.now()))) return undefined;
    if (this.running.has(channel.id)) return this.running.get(channel.id)!.runner;
    const runner = new SessionRunner({
      channelId: channel.id,
      projectId: channel.projectId,
      store: storage.stores.whatsappWeb,
      factory: this.deps.factory,
      clock,
      backoff: settings.backoff,
      listener: this.listenerFor(channel),
      logger: this.deps.logger,
      logError: this.deps.logError,
    });
    this.running.set(channel.id, { runner, channel });
    this.keepLeases();
    void runner.start();
    return runner;
  }

  /**
   * Runs here every paired session no live node runs: at start (sessions paired before reconnect without
   * waiting to be asked), then every lease length, so that the sessions of a node that died are taken
   * over by another without waiting for a call or a push.
   */
  async resumePaired(): Promise<void> {
    const now = this.deps.clock.now();
    for (const session of await this.deps.storage.stores.whatsappWeb.listPaired()) {
      if (this.running.has(session.channelId)) continue;
      const isHeldElsewhere = session.leaseNode !== '' && session.leaseNode !== this.deps.nodeId && session.leaseUntil >= now;
      if (isHeldElsewhere) continue;
      const channel = (await this.deps.channels.listForProject(session.projectId)).find((each) => each.id === session.channelId && each.status === 'active');
      if (channel && !(await this.deps.isProjectDeleted(session.projectId))) await this.ensureRunning(channel);
    }
  }

  /** Looks for sessions left without a node every lease length (see resumePaired). */
  watchOrphans(): void {
    if (this.orphanTimer || this.isClosed) return;
    this.orphanTimer = setInterval(() => {
      this.resumePaired().catch((error: unknown) => this.deps.logError(error, 'taking over WhatsApp Web sessions'));
    }, this.deps.settings.leaseMs);
    this.orphanTimer.unref();
  }

  async status(project: Project, application: number): Promise<Record<string, unknown>> {
    const channel = await this.resolve(project, application);
    await this.ensureRunning(channel);
    const session = await this.deps.storage.stores.whatsappWeb.findSession(channel.id);
    const queued = await this.deps.storage.stores.messages.countPending([channel.id]);
    return webStatusReport(project, channel.id, session, queued, this.deps.clock.now());
  }

  async command(project: Project, application: number, command: WebCommand): Promise<{ cancelled: number }> {
    const channel = await this.resolve(project, application);
    if (command === 'delete-message-queue' || this.isClosed || (await this.ensureRunning(channel))) return this.runHere(channel, command);
    // Another node runs the session: it carries the command out when woken, or at its next lease renewal.
    // The queue, a database matter, is cancelled here at once, so that the answer can count it.
    await this.deps.storage.stores.whatsappWeb.requestCommand(channel.id, command);
    this.deps.onHeldElsewhere?.(channel.id);
    return { cancelled: command === 'clearlogs' ? await this.cancelQueue(channel.id) : 0 };
  }

  private cancelQueue(channelId: number): Promise<number> {
    return this.deps.messages.cancelQueued([channelId], 'message queue deleted');
  }

  /** A command for a session this node runs (or may start). */
  private async runHere(channel: ChannelRecord, command: WebCommand): Promise<{ cancelled: number }> {
    const cancel = () => this.cancelQueue(channel.id);
    switch (command) {
      case 'restart':
        await (await this.ensureRunning(channel))?.restart();
        return { cancelled: 0 };
      case 'restart-server':
        // Forget everything held in memory and read the session again from the database.
        await this.release(channel.id);
        await this.ensureRunning(channel);
        return { cancelled: 0 };
      case 'delete-message-queue':
        return { cancelled: await cancel() };
      case 'disconnect': {
        const runner = await this.ensureRunning(channel);
        await runner?.logout();
        await runner?.start();
        return { cancelled: 0 };
      }
      case 'clearlogs': {
        await (await this.ensureRunning(channel))?.logout();
        await this.release(channel.id);
        const cancelled = await cancel();
        await this.deps.storage.stores.whatsappWeb.eraseLogs(channel.id);
        return { cancelled };
      }
    }
  }

  async pairing(project: Project, application: number): Promise<WebPairing> {
    const channel = await this.resolve(project, application);
    const runner = await this.ensureRunning(channel);
    const store = this.deps.storage.stores.whatsappWeb;
    // ensureSession, not findSession: a closing node starts nothing, and the row may not exist yet.
    let session = await store.ensureSession(channel.id, channel.projectId, this.deps.clock.now());
    if (runner && !session.qr && session.state !== 'connected') {
      await runner.waitForQrOrOpen(this.deps.settings.qrWaitMs);
      session = await store.ensureSession(channel.id, channel.projectId, this.deps.clock.now());
    }
    const showsNoQr = !session.qr && !session.isPaired && session.state !== 'connected';
    return { channelId: channel.id, session, ...(showsNoQr && { noQrReason: this.whyNoSocket(session, 'no QR code') }) };
  }

  /**
   * Why this node has no socket (or no QR code) to offer for a session, in the operator's terms: what
   * happened, and what to do. The cases follow the ways `pairing` ends without one.
   */
  private whyNoSocket(session: WebSession, what: string): string {
    const { clock, nodeId, settings } = this.deps;
    if (this.isClosed) return `${what}: this gateway is shutting down; call again once it is back`;
    if (session.leaseNode !== '' && session.leaseNode !== nodeId && session.leaseUntil >= clock.now()) {
      return `${what}: the session is open on another gateway node (${session.leaseNode}), and only the node that holds it can ask WhatsApp; call again (through that node)`;
    }
    if (session.lastError) return `${what}: WhatsApp Web could not connect (${session.lastError}); the next call tries again`;
    return `${what} within ${settings.qrWaitMs} ms: the session is still connecting to WhatsApp; call again`;
  }

  async pairingCode(project: Project, application: number, phoneNumber: string): Promise<string> {
    const { session, channelId } = await this.pairing(project, application);
    if (session.isPaired) throw new PickyError(Status.invalidRequest, 'the session is already paired; send disconnect first');
    const client = this.running.get(channelId)?.runner.socket;
    if (!client) throw new PickyError(Status.noChannel, this.whyNoSocket(session, 'no pairing code'));
    const code = await client.requestPairingCode(phoneNumber).catch((error: unknown) => {
      throw new PickyError(Status.noChannel, `WhatsApp did not give a pairing code: ${(error as Error).message}`);
    });
    await this.deps.storage.stores.whatsappWeb.updateSession(channelId, { pairingCode: code }, this.deps.clock.now());
    return code;
  }

  async remove(project: Project, channelId: number): Promise<{ cancelled: number }> {
    // By id, with no plan check: a channel stays removable after its project's plan dropped application 10.
    const channel = (await this.deps.channels.listForProject(project.id)).find((each) => each.id === channelId && each.kind === 10 && each.status === 'active');
    if (!channel) throw new PickyError(Status.noChannel, `the project has no WhatsApp Web channel ${channelId}`);
    // Unlinked only when it runs here; elsewhere its node, told when the channel is gone, logs it out.
    const isHere = this.running.has(channel.id);
    await this.running.get(channel.id)?.runner.logout();
    await this.release(channel.id);
    const cancelled = await this.deps.messages.cancelQueued([channel.id], 'channel deleted');
    await this.deps.storage.stores.whatsappWeb.eraseAuth(channel.id, this.deps.clock.now());
    await this.deps.storage.stores.whatsappWeb.eraseLogs(channel.id);
    await this.deps.channels.update(channel, { status: 'deleted' });
    if (!isHere) this.deps.onHeldElsewhere?.(channel.id);
    return { cancelled };
  }

  async receivedMedia(id: string): Promise<WebMedia | undefined> {
    if (!/^[A-Za-z0-9_-]{32}$/.test(id)) return undefined;
    return this.deps.storage.stores.whatsappWeb.findMedia(`in:${id}`);
  }

  /**
   * A deleted project's WhatsApp Web: each session running here is logged out (the phone's linked device
   * goes) and stopped, and every WhatsApp Web channel of the project has its credentials erased. A logout
   * WhatsApp does not answer within LOGOUT_WAIT_MS goes on without the deletion waiting for it. A session
   * another node runs is logged out and stopped there when that node hears of the deletion (a wake-up
   * between nodes), or at its next lease renewal.
   */
  async unlinkProject(projectId: number): Promise<void> {
    const here = await this.logOutProjectHere(projectId);
    for (const channel of await this.deps.channels.listForProject(projectId)) {
      if (channel.kind === 10 && !here.includes(channel.id)) await this.deps.storage.stores.whatsappWeb.eraseAuth(channel.id, this.deps.clock.now());
    }
  }

  /**
   * Logs out and stops the project's sessions that run here (another node deleted it and erased the
   * credentials of the rest); answers their channel ids.
   */
  async logOutProjectHere(projectId: number): Promise<number[]> {
    const here = [...this.running].filter(([, { channel }]) => channel.projectId === projectId).map(([channelId]) => channelId);
    for (const channelId of here) await this.logOutAndRelease(channelId);
    return here;
  }

  /** Whether a session of the project runs here. */
  runsProject(projectId: number): boolean {
    return [...this.running.values()].some(({ channel }) => channel.projectId === projectId);
  }

  /** Another node changed the session (a command, a removal): its lease is renewed now, not at the next turn. */
  recheck(channelId: number): Promise<void> {
    return this.running.has(channelId) ? this.renewal(channelId) : Promise.resolve();
  }

  /** Logs a session running here out (its credentials erased after) and stops it; waits at most LOGOUT_WAIT_MS. */
  private async logOutAndRelease(channelId: number): Promise<void> {
    const runner = this.running.get(channelId)?.runner;
    if (!runner) return;
    const logout = runner.logout().catch((error: unknown) => this.deps.logError(error, `logout of WhatsApp Web channel ${channelId}`));
    await waitAtMost(logout, LOGOUT_WAIT_MS);
    await this.release(channelId);
  }

  /** Stops a channel's session here (deleted channel, lost lease, restart-server). */
  async release(channelId: number): Promise<void> {
    const known = this.running.get(channelId);
    if (!known) return;
    this.running.delete(channelId);
    known.runner.stop();
    await this.deps.storage.stores.whatsappWeb.releaseLease(channelId, this.deps.nodeId);
  }

  async close(): Promise<void> {
    this.isClosed = true;
    if (this.leaseTimer) clearInterval(this.leaseTimer);
    if (this.orphanTimer) clearInterval(this.orphanTimer);
    for (const channelId of [...this.running.keys()]) await this.release(channelId).catch((error: unknown) => this.deps.logError(error, 'releasing a WhatsApp Web lease'));
  }

  private listenerFor(channel: ChannelRecord): SessionListener {
    // Settings are read as they are now (the channel cache is short-lived), not as they were at start.
    const context = async (runner: SessionRunner) => {
      const current = (await this.deps.channels.listForProject(channel.projectId)).find((each) => each.id === channel.id) ?? channel;
      return { channelId: channel.id, projectId: channel.projectId, isEchoing: current.settings.echo_messages === true, connection: runner.connection };
    };
    return {
      // At every connection: the dispatcher puts back what the previous socket left `sending` (requeueUnsent).
      onConnected: () => this.deps.onConnected(channel.id),
      // Forgotten here and its lease let go: the next call that needs it starts a new runner (from the
      // database, on whichever node answers).
      onStopped: (runner) => {
        if (this.running.get(channel.id)?.runner === runner) void this.release(channel.id).catch((error: unknown) => this.deps.logError(error, `releasing WhatsApp Web channel ${channel.id}`));
      },
      onMessages: async (runner, messages) => this.deps.events.messages(await context(runner), messages),
      onAcks: async (runner, acks) => this.deps.events.acks(await context(runner), acks),
      onGroupParticipants: async (runner, event) => this.deps.events.groupParticipants(await context(runner), event),
      onGroupsUpdate: async (runner, updates) => this.deps.events.groupsUpdate(await context(runner), updates),
    };
  }

  /**
   * A socket that closed (or a node that stopped) while a message was `sending` (before the socket took
   * it, or before WhatsApp's server ack came back) left it there: it goes round again, under the same
   * WhatsApp id, which WhatsApp and the recipient's phone treat as the same message, not a second one.
   * The dispatcher calls this between two sends, so that no message it is handling is put back.
   */
  async requeueUnsent(channelId: number): Promise<void> {
    try {
      const ids = await this.deps.storage.stores.whatsappWeb.listSending(channelId);
      if (ids.length > 0) await this.deps.messages.moveMany(ids.map((messageId) => ({ messageId, to: 'queued' as const, error: 'no server ack before the connection closed' })));
    } catch (error) {
      this.deps.logError(error, `requeueing WhatsApp Web channel ${channelId}`);
    }
  }

  /** Renews this node's leases at a third of their length; a lease another node took stops the session here. */
  private keepLeases(): void {
    if (this.leaseTimer) return;
    this.leaseTimer = setInterval(() => void this.renewLeases(), Math.max(1000, Math.floor(this.deps.settings.leaseMs / 3)));
    this.leaseTimer.unref();
  }

  private async renewLeases(): Promise<void> {
    for (const channelId of [...this.running.keys()]) await this.renewal(channelId);
  }

  /** One renewal of a channel at a time: asked while one runs, it runs again after. */
  private renewal(channelId: number): Promise<void> {
    const next = (this.renewals.get(channelId) ?? Promise.resolve()).then(() => this.renewLease(channelId));
    this.renewals.set(channelId, next);
    void next.finally(() => {
      if (this.renewals.get(channelId) === next) this.renewals.delete(channelId);
    });
    return next;
  }

  private async renewLease(channelId: number): Promise<void> {
    const { clock, settings, nodeId, storage } = this.deps;
    // Stopped here meanwhile (by the renewal before this one): no lease to renew.
    if (!this.running.has(channelId)) return;
    try {
      const channel = await storage.stores.channels.findById(channelId);
      // A channel deleted, or its project deleted, on any node: the number is logged out and the session stops here.
      const isProjectDeleted = channel !== undefined && (await this.deps.isProjectDeleted(channel.projectId));
      const isGone = !channel || channel.status === 'deleted' || isProjectDeleted;
      const isLive = channel?.status === 'active' && !isProjectDeleted;
      const held = isLive && (await storage.stores.whatsappWeb.acquireLease(channelId, nodeId, clock.now() + settings.leaseMs, clock.now()));
      if (isGone) await this.logOutAndRelease(channelId);
      else if (!held) await this.release(channelId);
      const command = held ? await storage.stores.whatsappWeb.takeCommand(channelId, nodeId) : undefined;
      if (channel && command) await this.runHere(channel, command);
    } catch (error) {
      this.deps.logError(error, `renewing the lease of WhatsApp Web channel ${channelId}`);
    }
  }
}
