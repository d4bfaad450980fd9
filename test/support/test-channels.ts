// Channels for tests: they declare the capabilities the real channels will have and record what they
// are asked to send. They stand in for phones and Meta's servers, which tests cannot reach.
import { NO_CAPABILITIES, type Application, type Channel, type ChannelCapabilities, type OutboundMessage, type SendOutcome } from '../../src/core/index.js';

export class RecordingChannel implements Channel {
  readonly sent: OutboundMessage[] = [];

  constructor(
    readonly name: string,
    readonly kinds: readonly Application[],
    private readonly caps: (kind: Application) => ChannelCapabilities,
  ) {}

  capabilities(kind: Application): ChannelCapabilities {
    return this.caps(kind);
  }

  async send(message: OutboundMessage): Promise<SendOutcome> {
    this.sent.push(message);
    return { outcome: 'submitted' };
  }
}

const everything: ChannelCapabilities = Object.fromEntries(Object.keys(NO_CAPABILITIES).map((key) => [key, true])) as unknown as ChannelCapabilities;

/** A WhatsApp Web session: every kind but templates, and no links-for-media. */
export const webChannel = () => new RecordingChannel('test-web', [10], () => ({ ...everything, supportsTemplate: false, sendsMediaAsLink: false, supportsCalls: false }));
/** WhatsApp Official: templates and interactive messages, no groups or stickers. */
export const officialChannel = () =>
  new RecordingChannel('test-official', [8, 101, 121], () => ({ ...everything, supportsGroups: false, supportsSticker: false, supportsVoiceNote: false, sendsMediaAsLink: false, supportsCalls: false }));
