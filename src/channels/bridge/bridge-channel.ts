// The phone bridge as a channel: applications 1 (WhatsApp), 2 (WhatsApp Business), 3 (SMS) and 4 (calls)
// carried by paired phones. It chooses the device for a recipient and turns a message into a `send` frame.
import { createHash } from 'node:crypto';
import {
  NO_CAPABILITIES,
  type Application,
  type Channel,
  type ChannelCapabilities,
  type OutboundMessage,
  type SendOutcome,
  type Storage,
} from '../../core/index.js';
import type { SendFrame } from '../../bridge/frames.js';
import type { ConnectedDevice, DeviceDirectory } from './connected-device.js';

export interface BridgeChannelDeps {
  devices: DeviceDirectory;
  storage: Storage;
  /** Where devices fetch uploaded media: the gateway's public URL. */
  publicUrl: () => string;
}

/** FNV-1a: a fast, well-spread hash for choosing devices; nothing here needs a cryptographic one. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export class BridgeChannel implements Channel {
  readonly name = 'bridge';
  readonly kinds: readonly Application[] = [1, 2, 3, 4];
  private readonly mediaInfo = new Map<number, { sha256: string; fileName: string }>();

  constructor(private readonly deps: BridgeChannelDeps) {}

  capabilities(kind: Application): ChannelCapabilities {
    if (kind === 4) return { ...NO_CAPABILITIES, supportsCalls: true };
    if (kind === 3) return { ...NO_CAPABILITIES, supportsText: true, sendsMediaAsLink: true };
    return { ...NO_CAPABILITIES, supportsText: true, supportsMedia: true };
  }

  /**
   * Rendezvous hashing: each recipient prefers the same device among those that carry its application,
   * so a conversation stays on one phone while the set of devices stays the same.
   */
  pickDevice(message: Pick<OutboundMessage, 'recipient' | 'application'>, candidates: readonly ConnectedDevice[]): ConnectedDevice | undefined {
    let best: ConnectedDevice | undefined;
    let bestScore = -1;
    for (const candidate of candidates) {
      if (!candidate.device.applications.includes(message.application)) continue;
      const score = fnv1a(`${message.recipient}:${candidate.device.deviceKey}`);
      if (score > bestScore) {
        best = candidate;
        bestScore = score;
      }
    }
    return best;
  }

  async frameFor(message: OutboundMessage): Promise<SendFrame> {
    let mediaUrl = message.mediaUrl;
    let mediaHash = mediaUrl ? createHash('sha256').update(mediaUrl).digest('hex') : '';
    let fileName = message.details.mediaName ?? '';
    if (message.mediaId !== null) {
      const info = await this.uploadInfo(message.mediaId);
      mediaUrl = `${this.deps.publicUrl()}/bridge/v1/media/${message.mediaId}`;
      mediaHash = info.sha256;
      fileName = fileName || info.fileName;
    }
    let text = message.text;
    // SMS cannot carry media: the URL travels in the text, as the Picky docs describe.
    if (message.application === 3 && mediaUrl) {
      text = text ? `${text}\n${mediaUrl}` : mediaUrl;
      mediaUrl = '';
      mediaHash = '';
    }
    return {
      type: 'send',
      msg_id: String(message.id),
      application: message.application as 1 | 2 | 3 | 4,
      number: message.recipient,
      kind: message.kind,
      text,
      media_url: mediaUrl,
      media_hash: mediaHash,
      file_name: fileName,
      ...(message.details.createContact && { create_contact: true as const }),
      priority: message.priority,
    };
  }

  /** Hands a message to the device it was claimed for; the device reports the outcome later. */
  async send(message: OutboundMessage): Promise<SendOutcome> {
    const device = message.deviceId === null ? undefined : this.deps.devices.connected(message.deviceId);
    if (!device) return { outcome: 'failed', isRetryable: true, reason: 'device not connected' };
    device.sendMessage(await this.frameFor(message));
    return { outcome: 'pending' };
  }

  private async uploadInfo(mediaId: number): Promise<{ sha256: string; fileName: string }> {
    const cached = this.mediaInfo.get(mediaId);
    if (cached) return cached;
    const media = await this.deps.storage.stores.pushes.findMedia(mediaId, false);
    const info = { sha256: media?.sha256 ?? '', fileName: media?.fileName ?? '' };
    if (this.mediaInfo.size > 10_000) this.mediaInfo.clear();
    this.mediaInfo.set(mediaId, info);
    return info;
  }
}
