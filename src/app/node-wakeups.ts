// Wake-ups between gateway nodes on one PostgreSQL (LISTEN/NOTIFY): work or a change made by one node for
// phones or WhatsApp Web sessions that another node holds reaches that node at once, not at its next poll.
import type { NodeChannel, NodeChannelListener } from '../storage/index.js';

/**
 * What to look at: a project's phone queue, a project's conference queue, a WhatsApp Web channel's
 * queue, a WhatsApp Web session (a command or a removal waits for it), a project just deleted.
 */
export type WakeKind = 'phone' | 'call' | 'web' | 'session' | 'deleted';

const KINDS: readonly WakeKind[] = ['phone', 'call', 'web', 'session', 'deleted'];

/** NOTIFY refuses payloads of 8 000 bytes or more; ids past this share go in the next one. */
const MAX_PAYLOAD_BYTES = 7_000;

type Wakeup = { node: string } & { [kind in WakeKind]?: number[] };

/** The payloads that carry `pending` (ids by kind) from `node`, each under NOTIFY's size limit. */
export function encodeWakeups(node: string, pending: ReadonlyMap<WakeKind, ReadonlySet<number>>): string[] {
  const payloads: string[] = [];
  let current: Wakeup = { node };
  let size = JSON.stringify(current).length;
  for (const kind of KINDS) {
    for (const id of pending.get(kind) ?? []) {
      // What one id adds to the JSON: its digits and a comma, and the first time its kind's key and brackets.
      const added = String(id).length + 1 + (current[kind] ? 0 : kind.length + 6);
      if (size + added > MAX_PAYLOAD_BYTES) {
        payloads.push(JSON.stringify(current));
        current = { node };
        size = JSON.stringify(current).length;
      }
      (current[kind] ??= []).push(id);
      size += added;
    }
  }
  if (KINDS.some((kind) => current[kind])) payloads.push(JSON.stringify(current));
  return payloads;
}

/** The sender and its wake-ups, or undefined for anything that is not one (another program's NOTIFY). */
export function decodeWakeup(payload: string): { node: string; wakes: [WakeKind, number][] } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || typeof (parsed as Wakeup).node !== 'string') return undefined;
  const wakeup = parsed as Record<string, unknown>;
  const wakes: [WakeKind, number][] = [];
  for (const kind of KINDS) {
    const ids = wakeup[kind];
    if (ids === undefined) continue;
    if (!Array.isArray(ids)) return undefined;
    for (const id of ids) if (Number.isSafeInteger(id)) wakes.push([kind, id as number]);
  }
  return { node: wakeup.node as string, wakes };
}

/** The queues of one kind that this node serves: whether it holds one, which it holds, looking at one. */
export interface WakeTarget {
  holds(id: number): boolean;
  held(): Iterable<number>;
  wake(id: number): void;
}

export interface NodeWakeupsDeps {
  channel: NodeChannel;
  /** This node's id: its own notes come back to it and are ignored. */
  nodeId: string;
  targets: Record<WakeKind, WakeTarget>;
  logError(error: unknown, context: string): void;
  /** The operator's log: when the node stops hearing the others, and when it hears them again. */
  logState(level: 'warn' | 'info', message: string): void;
}

/**
 * Sends at most one NOTIFY at a time: what is asked while one is under way goes out together in the
 * next, so a busy node sends a note per database round trip, not one per push.
 */
export class NodeWakeups {
  private pending = new Map<WakeKind, Set<number>>();
  private isSending = false;
  private sending: Promise<void> | undefined;
  private listener: NodeChannelListener | undefined;
  private isClosed = false;
  /** Listening now; `hasLost` once a connection was lost (so that its return is logged). */
  private isListening = false;
  private hasLost = false;

  constructor(private readonly deps: NodeWakeupsDeps) {}

  start(): void {
    this.listener = this.deps.channel.listen({
      onNotification: (payload) => this.receive(payload),
      // Listening (again): notes sent while it was down were missed, so every queue held here is looked at.
      onListening: () => {
        this.isListening = true;
        if (this.hasLost) this.deps.logState('info', 'hearing the other nodes again');
        for (const target of Object.values(this.deps.targets)) for (const id of target.held()) target.wake(id);
      },
      // Logged once per loss, not at every failed attempt while the database is away.
      onLost: () => {
        if (this.isListening) this.deps.logState('warn', 'lost the connection that hears the other nodes; until it is back, their work waits for the polls');
        this.isListening = false;
        this.hasLost = true;
      },
    });
  }

  /** Tells the other nodes to look at a queue (soon, with whatever else is asked meanwhile). */
  wake(kind: WakeKind, id: number): void {
    if (this.isClosed) return;
    let ids = this.pending.get(kind);
    if (!ids) this.pending.set(kind, (ids = new Set()));
    ids.add(id);
    if (this.isSending) return;
    this.isSending = true;
    this.sending = this.send();
  }

  /** Stops listening; a note under way is finished first (the database is closed after this). */
  async close(): Promise<void> {
    this.isClosed = true;
    this.pending.clear();
    await this.sending;
    await this.listener?.close();
  }

  private async send(): Promise<void> {
    try {
      while (this.pending.size > 0 && !this.isClosed) {
        const pending = this.pending;
        this.pending = new Map();
        try {
          for (const payload of encodeWakeups(this.deps.nodeId, pending)) await this.deps.channel.publish(payload);
        } catch (error) {
          // Not retried: the other nodes' polls find the work anyway, only later.
          this.deps.logError(error, 'wake-up for the other nodes');
        }
      }
    } finally {
      // Cleared in the same step as the loop's last check, so a wake-up asked after it starts a new send.
      this.isSending = false;
    }
  }

  private receive(payload: string): void {
    const wakeup = decodeWakeup(payload);
    if (!wakeup || wakeup.node === this.deps.nodeId) return;
    for (const [kind, id] of wakeup.wakes) {
      const target = this.deps.targets[kind];
      if (target.holds(id)) target.wake(id);
    }
  }
}
