// A WhatsApp Web session (application 10) as the database holds it: one per channel, with its pairing
// state, the QR code of the moment, the node that runs it (a lease) and what the status API shows.
import type { Project } from '../project.js';
import { formatProjectIsoTime } from '../project-time.js';

/** `connecting`: a socket is being opened; `timeout`: paired, but the connection is down (retrying). */
export type WebSessionState = 'unpaired' | 'connecting' | 'connected' | 'timeout';

export interface WebSession {
  channelId: number;
  projectId: number;
  state: WebSessionState;
  /** The QR text to scan now ('' when paired or no QR is showing). */
  qr: string;
  /** The last phone-number pairing code asked for ('' when none). */
  pairingCode: string;
  connectedNumber: string;
  /** The WhatsApp Web version the session speaks ('2.3000.1027934701'). */
  version: string;
  /** Credentials of a linked device are stored: a restart reconnects without a new QR scan. */
  isPaired: boolean;
  /** Why the last connection closed, or could not open ('' once connected). */
  lastError: string;
  leaseNode: string;
  leaseUntil: number;
  updatedAt: number;
}

export type WebSessionChanges = Partial<Pick<WebSession, 'state' | 'qr' | 'pairingCode' | 'connectedNumber' | 'version' | 'isPaired' | 'lastError'>>;

/** The device-status `status` of the seeds: CONNECTED, TIMEOUT (phone or network unreachable) or UNPAIRED. */
export function webStatusName(session: WebSession | undefined): 'CONNECTED' | 'TIMEOUT' | 'UNPAIRED' {
  if (session?.state === 'connected') return 'CONNECTED';
  return session?.isPaired ? 'TIMEOUT' : 'UNPAIRED';
}

/** The `device-status` answer for application 10, exactly as the seeds show it (plus `channel_id`). */
export function webStatusReport(project: Project, channelId: number, session: WebSession | undefined, queued: number, now: number): Record<string, unknown> {
  return {
    project_id: String(project.id),
    status: webStatusName(session),
    connected_number: session?.connectedNumber ?? '',
    version: session?.version ?? '',
    message_queue_count: queued,
    time: formatProjectIsoTime(now, project.timeZone),
    channel_id: String(channelId),
  };
}

export const WEB_COMMANDS = ['restart', 'restart-server', 'delete-message-queue', 'disconnect', 'clearlogs'] as const;
export type WebCommand = (typeof WEB_COMMANDS)[number];

export function isWebCommand(value: string): value is WebCommand {
  return (WEB_COMMANDS as readonly string[]).includes(value);
}
