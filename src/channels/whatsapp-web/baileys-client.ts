// The one file that uses Baileys (the WhatsApp Web multi-device protocol library): opens a socket on an
// auth state kept in our database, and turns its events and calls into the WaClient interface. Everything
// the channel decides lives elsewhere, so that this file stays the thin part tests cannot reach.
import type {
  AnyMessageContent,
  AuthenticationCreds,
  AuthenticationState,
  SignalDataSet,
  SignalDataTypeMap,
  WAMessage,
} from 'baileys';
import { WaServerError, type DownloadLimits, type WaAuthStore, type WaClient, type WaClientFactory, type WaGroupMetadata, type WaLogger, type WaMessage } from './wa-client.js';

type Baileys = typeof import('baileys');
type BaileysLogger = Parameters<Baileys['makeWASocket']>[0]['logger'] & object;

/**
 * Baileys is loaded on the first session a gateway opens, not at start: it adds some 40 MB and doubles
 * the heap, which a gateway without WhatsApp Web sessions would pay for in memory and GC time.
 */
let loading: Promise<Baileys> | undefined;
const loadBaileys = (): Promise<Baileys> => (loading ??= import('baileys'));

/** Baileys logs through a pino-shaped object; its chatter goes to debug, its problems to warn. */
function loggerFor(logger: WaLogger, bindings: Record<string, unknown> = {}): BaileysLogger {
  const quiet = (details: unknown, message?: string) => logger.debug({ ...bindings, details }, message ?? 'baileys');
  const loud = (details: unknown, message?: string) => logger.warn({ ...bindings, details }, message ?? 'baileys');
  return { level: 'debug', child: (more) => loggerFor(logger, { ...bindings, ...more }), trace: quiet, debug: quiet, info: quiet, warn: loud, error: loud };
}

/** Baileys' auth state read from and written to our store; keys are written before Baileys goes on. */
async function databaseAuthState(store: WaAuthStore, { BufferJSON, initAuthCreds, proto }: Baileys): Promise<{ state: AuthenticationState; saveCreds: () => Promise<void>; saved: () => Promise<void> }> {
  const stored = await store.readCreds();
  const creds = stored ? (JSON.parse(stored, BufferJSON.reviver) as AuthenticationCreds) : initAuthCreds();
  // Credential updates arrive as events Baileys does not wait for: they are written one after another.
  let writing = Promise.resolve();
  // One failed write must not stop the later ones: each write starts after the previous settles, whatever its outcome.
  const saveCreds = () => (writing = writing.catch(() => undefined).then(() => store.writeCreds(JSON.stringify(creds, BufferJSON.replacer))));
  if (!stored) await saveCreds();
  const keys = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]) {
      const found = await store.readKeys(type, ids);
      const result: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const id of ids) {
        const text = found.get(id);
        if (text === undefined) continue;
        const value = JSON.parse(text, BufferJSON.reviver) as unknown;
        result[id] = (type === 'app-state-sync-key' ? proto.Message.AppStateSyncKeyData.fromObject(value as object) : value) as SignalDataTypeMap[T];
      }
      return result;
    },
    async set(data: SignalDataSet) {
      const changes = Object.entries(data).flatMap(([type, values]) =>
        Object.entries(values ?? {}).map(([id, value]) => ({ type, id, value: value === null || value === undefined ? null : JSON.stringify(value, BufferJSON.replacer) })),
      );
      await store.writeKeys(changes);
    },
  };
  return { state: { creds, keys }, saveCreds, saved: () => writing.catch(() => undefined) };
}

/** Where WhatsApp keeps media; a received message may name another host, which must be WhatsApp's too. */
const MEDIA_HOST = 'mmg.whatsapp.net';

/**
 * The media host a received message may be downloaded from. The message names it (its `url`), and a
 * sender can craft that: anything outside WhatsApp's own domain is refused, so no message makes the
 * gateway fetch from a host of the sender's choosing (another server, or one on the private network).
 */
function mediaHostOf(message: WAMessage, { extractMessageContent, getContentType }: Baileys): string {
  const content = extractMessageContent(message.message);
  const type = content ? getContentType(content) : undefined;
  const media = (type ? content![type] : undefined) as { url?: string | null; directPath?: string | null } | undefined;
  let host = '';
  try {
    host = media?.url ? new URL(media.url).hostname : '';
  } catch {
    host = '';
  }
  if (host === 'whatsapp.net' || host.endsWith('.whatsapp.net')) return host;
  if (media?.directPath) return MEDIA_HOST;
  throw new Error(`media of a received message refused: its host (${host || 'none'}) is not WhatsApp's`);
}

type MediaStream = NodeJS.ReadableStream & { destroy(error?: Error): void };

/**
 * Reads a download into memory, refusing more than `maxBytes`; the time limit covers the whole of it,
 * from the request to the last byte. A stream that arrives after the time is up is destroyed unread.
 */
export async function readLimited(opening: Promise<MediaStream>, limits: DownloadLimits): Promise<Buffer> {
  const timeUp = new Error(`media download not complete within ${limits.timeoutMs} ms`);
  let stream: MediaStream | undefined;
  let isLate = false;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      isLate = true;
      stream?.destroy(timeUp);
      reject(timeUp);
    }, limits.timeoutMs);
  });
  // Both are also awaited by the race below; these handlers keep a rejection after the race from going unhandled.
  deadline.catch(() => undefined);
  void opening.then((late) => isLate && late.destroy(), () => undefined);
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    stream = await Promise.race([opening, deadline]);
    for await (const chunk of stream) {
      size += (chunk as Buffer).length;
      if (size > limits.maxBytes) {
        stream.destroy();
        throw new Error(`media larger than ${limits.maxBytes} bytes`);
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  } finally {
    clearTimeout(timer);
  }
}

/** "15551234567:12@s.whatsapp.net" → "15551234567". */
function numberOf(jid: string | undefined): string {
  return (jid ?? '').split('@')[0]!.split(':')[0]!;
}

type BaileysGroup = Awaited<ReturnType<ReturnType<Baileys['makeWASocket']>['groupMetadata']>>;
type BaileysParticipant = BaileysGroup['participants'][number];

/** A participant's phone-number JID when WhatsApp gives one (groups may address members by LID). */
function participantJid(participant: BaileysParticipant | string): string {
  if (typeof participant === 'string') return participant;
  return participant.phoneNumber ?? participant.id;
}

function groupOf(group: BaileysGroup): WaGroupMetadata {
  return {
    id: group.id,
    subject: group.subject ?? '',
    description: group.desc ?? '',
    creation: group.creation ?? 0,
    participants: (group.participants ?? []).map((participant) => ({ jid: participantJid(participant), isAdmin: participant.admin === 'admin' || participant.admin === 'superadmin' || participant.isAdmin === true })),
  };
}

/** Baileys rejects with Boom errors (`output.statusCode` is WhatsApp's code); they leave this file as WaServerError. */
async function asked<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const boom = error as Error & { output?: { statusCode?: number }; data?: unknown };
    throw new WaServerError(`${what}: ${boom.message}`, boom.output?.statusCode ?? 0, { cause: error });
  }
}

export interface BaileysClientOptions {
  /** WhatsApp's WebSocket endpoint; a test points it at a local server so that it never reaches WhatsApp. */
  webSocketUrl?: string;
  /** The WhatsApp Web version to speak; by default the latest one, asked of WhatsApp at each open. */
  version?: [number, number, number];
}

export function createBaileysClientFactory(options: BaileysClientOptions = {}): WaClientFactory {
  return {
    async open({ auth, events, logger, sentText }): Promise<WaClient> {
      const baileys = await loadBaileys();
      const { Browsers, DisconnectReason, downloadMediaMessage, fetchLatestWaWebVersion, makeWASocket } = baileys;
      const { state, saveCreds, saved } = await databaseAuthState(auth, baileys);
      const version = options.version ?? (await fetchLatestWaWebVersion()).version;
      const baileysLogger = loggerFor(logger);
      const socket = makeWASocket({
        version,
        ...(options.webSocketUrl !== undefined && { waWebSocketUrl: options.webSocketUrl }),
        auth: state,
        logger: baileysLogger,
        browser: Browsers.ubuntu('Switchboard'),
        // Staying "offline" keeps notifications on the phone; the gateway only relays messages.
        markOnlineOnConnect: false,
        syncFullHistory: false,
        // Retry requests re-encrypt what we sent; only the text is kept, so media is not resent this way.
        getMessage: async (key) => {
          const text = key.id ? await sentText(key.id) : undefined;
          return text ? { conversation: text } : undefined;
        },
      });
      socket.ev.on('creds.update', () => void saveCreds().catch((error: unknown) => logger.warn({ err: error }, 'saving WhatsApp Web credentials failed')));
      socket.ev.on('connection.update', (update) => {
        if (update.qr) events.onQr(update.qr);
        if (update.connection === 'open') events.onOpen({ number: numberOf(socket.user?.id), name: socket.user?.name ?? '' });
        if (update.connection === 'close') {
          const error = update.lastDisconnect?.error as (Error & { output?: { statusCode?: number } }) | undefined;
          const code = error?.output?.statusCode;
          events.onClose({ isLoggedOut: code === DisconnectReason.loggedOut, isRestartRequired: code === DisconnectReason.restartRequired, code, reason: error?.message ?? '' });
        }
      });
      socket.ev.on('messages.upsert', ({ messages, type }) => events.onMessages(messages as WaMessage[], type === 'notify' ? 'notify' : 'append'));
      socket.ev.on('messages.update', (updates) =>
        events.onAcks(updates.filter((each) => typeof each.update.status === 'number').map((each) => ({ key: each.key, status: each.update.status as number }))),
      );
      socket.ev.on('group-participants.update', (update) => {
        if (update.action === 'modify') return;
        events.onGroupParticipants({ groupJid: update.id, participants: update.participants.map((each) => participantJid(each as BaileysParticipant | string)), action: update.action });
      });
      // Baileys emits groups.update for a change WhatsApp notified, and also with the whole metadata of
      // every group whenever it refetches them (a "dirty" notice): only the first kind is a change, and
      // only it comes without the participant list.
      socket.ev.on('groups.update', (updates) =>
        events.onGroupsUpdate(
          updates
            .filter((each) => typeof each.id === 'string' && !Array.isArray(each.participants))
            .map((each) => ({ groupJid: each.id!, ...(typeof each.subject === 'string' && { subject: each.subject }) })),
        ),
      );
      return {
        version: version.join('.'),
        groupCreate: (subject, participants) => asked('group create', async () => groupOf(await socket.groupCreate(subject, participants))),
        groupMetadata: (jid) => asked('group metadata', async () => groupOf(await socket.groupMetadata(jid))),
        groupParticipants: (jid, participants, action) =>
          asked(`group ${action}`, async () => (await socket.groupParticipantsUpdate(jid, participants, action)).map((each) => ({ jid: each.jid ?? '', status: String(each.status) }))),
        groupSubject: (jid, subject) => asked('group subject', () => socket.groupUpdateSubject(jid, subject)),
        groupDescription: (jid, description) => asked('group description', () => socket.groupUpdateDescription(jid, description || undefined)),
        setPicture: (jid, image) => asked('picture', () => socket.updateProfilePicture(jid, image)),
        removePicture: (jid) => asked('picture removal', () => socket.removeProfilePicture(jid)),
        groupInviteCode: (jid) => asked('invite code', async () => (await socket.groupInviteCode(jid)) ?? ''),
        groupRevokeInvite: (jid) => asked('invite revoke', async () => (await socket.groupRevokeInvite(jid)) ?? ''),
        groupLeave: (jid) => asked('group leave', () => socket.groupLeave(jid)),
        setAbout: (text) => asked('about', () => socket.updateProfileStatus(text)),
        setBusinessProfile: (profile) => asked('business profile', async () => void (await socket.updateBussinesProfile(profile))),
        ownJid: () => (socket.user?.id ? `${numberOf(socket.user.id)}@s.whatsapp.net` : ''),
        async send(jid, content, options) {
          await socket.sendMessage(jid, content as AnyMessageContent, { messageId: options.messageId, ...(options.quoted ? { quoted: options.quoted as WAMessage } : {}) });
        },
        async download(message, limits) {
          const host = mediaHostOf(message as WAMessage, baileys);
          return readLimited(downloadMediaMessage(message as WAMessage, 'stream', { host }, { logger: baileysLogger, reuploadRequest: socket.updateMediaMessage }), limits);
        },
        requestPairingCode: (phoneNumber) => socket.requestPairingCode(phoneNumber),
        saveContact: (jid, name) =>
          socket.addOrEditContact(jid, { fullName: name, saveOnPrimaryAddressbook: true }).catch((error: unknown) => {
            logger.warn({ err: error, jid }, 'WhatsApp did not save the contact (createcontact); the message is sent anyway');
          }),
        logout: () => socket.logout(),
        close: () => void socket.end(undefined),
        credentialsSaved: saved,
      };
    },
  };
}
