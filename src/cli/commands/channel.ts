// `switchboard channel create|list|delete|qr`: a project's WhatsApp Web channels, and the QR code of a
// session that the running gateway has started (printed in the terminal).
import { setTimeout as sleep } from 'node:timers/promises';
import { isMetaKind, requireApplicationInPlan, webStatusName, type ChannelRecord, type WebSession } from '../../core/index.js';
import { CommandFailedError, integerArgument, stringOption, type Command } from '../command.js';
import { withGateway } from '../with-gateway.js';

const PROJECT = { project: { type: 'string' } } as const;
const CHANNEL = { channel: { type: 'string' } } as const;
const META_OPTIONS = {
  application: { type: 'string' },
  'phone-number-id': { type: 'string' },
  'waba-id': { type: 'string' },
  'page-id': { type: 'string' },
  'access-token': { type: 'string' },
  'app-secret': { type: 'string' },
  'verify-token': { type: 'string' },
} as const;

function channelJson(channel: ChannelRecord): Record<string, unknown> {
  return { channel_id: String(channel.id), application: channel.kind, name: channel.name, channel_status: channel.status, settings: channel.settings };
}

/**
 * Sessions open only in a running gateway, on an API call that needs them (this one-shot process opens
 * none), and the QR code is read from the row that gateway writes: what it takes to get one.
 */
function howToStart(channel: ChannelRecord): string {
  return (
    `To pair it, with \`switchboard serve\` running, call whatsapp-qr with a project API token and "channel_id": ${channel.id} ` +
    `(the gateway sees a channel made here within SWITCHBOARD_TOKEN_CACHE_TTL_MS): it starts the session and answers the QR code. ` +
    `To see the code here instead, run \`switchboard channel qr --project ${channel.projectId} --channel ${channel.id} --wait 30\` after that call.`
  );
}

/** Why an unpaired session shows no QR code, from its row: whether a gateway holds it, and its last error. */
function noQrHint(channel: ChannelRecord, session: WebSession | undefined, waitSeconds: number): string {
  const why = session?.lastError ? ` (last connection: ${session.lastError})` : '';
  const waited = waitSeconds > 0 ? ` after ${waitSeconds} s` : '';
  const isOpen = session !== undefined && session.leaseNode !== '' && session.leaseUntil >= Date.now();
  if (isOpen) return `no QR code is showing${waited}${why}: gateway node ${session.leaseNode} has the session open and it is still connecting to WhatsApp; run this again with --wait 30`;
  return `no QR code is showing${why}: no running gateway has this session open. ${howToStart(channel)}`;
}

export const channelCreateCommand: Command = {
  words: ['channel', 'create'],
  summary: 'Add a WhatsApp Web channel (application 10), or link a WhatsApp Official (8, 101, 121) or Messenger (5) channel to Meta',
  options: { ...PROJECT, name: { type: 'string' }, echo: { type: 'boolean' }, ...META_OPTIONS },
  optionHelp: {
    project: 'project id (required)',
    name: 'channel name (default WhatsApp Web)',
    echo: 'report messages the phone itself sends (direction 1)',
    application: '10 (default), or 5 / 8 / 101 / 121 with the Meta options (docs/meta-channels.md)',
    'phone-number-id': "WhatsApp: the number's Phone number ID",
    'waba-id': 'WhatsApp: the WhatsApp Business Account ID',
    'page-id': 'Messenger: the Facebook Page ID',
    'access-token': 'Meta: system-user or Page access token (stored sealed)',
    'app-secret': "Meta: the app's secret, which signs webhooks (stored sealed)",
    'verify-token': 'Meta: the verify token you enter with the callback URL (stored hashed)',
  },
  async run(context) {
    const projectId = integerArgument(stringOption(context.values, 'project'), '--project');
    const application = integerArgument(stringOption(context.values, 'application') ?? '10', '--application');
    return withGateway(context, async (gateway, accountId) => {
      const project = await gateway.services.projects.getChangeable(accountId, projectId);
      if (isMetaKind(application)) {
        const option = (name: string) => stringOption(context.values, name);
        const { channel } = await gateway.meta.accounts.create(project, {
          kind: application,
          name: option('name'),
          phoneNumberId: option('phone-number-id'),
          wabaId: option('waba-id'),
          pageId: option('page-id'),
          accessToken: option('access-token'),
          appSecret: option('app-secret'),
          verifyToken: option('verify-token'),
        });
        const json = { ...channelJson(channel), ...(await gateway.meta.accounts.describe(channel.id)), webhook_url: `${gateway.publicUrl()}/webhooks/meta` };
        return { json, text: `channel ${channel.id} linked to Meta (application ${application}). In the Meta app's webhook settings enter the callback URL ${json.webhook_url} and your verify token.` };
      }
      if (application !== 10) throw new CommandFailedError('--application must be 10 (WhatsApp Web), 5 (Messenger), 8, 101 or 121 (WhatsApp Official)');
      requireApplicationInPlan(project.billingPlan, 10);
      const settings = context.values.echo === true ? { echo_messages: true } : {};
      const channel = await gateway.services.channels.create(project.id, 10, stringOption(context.values, 'name') ?? 'WhatsApp Web', settings);
      return { json: channelJson(channel), text: `channel ${channel.id} created (WhatsApp Web, unpaired). ${howToStart(channel)}` };
    });
  },
};

export const channelListCommand: Command = {
  words: ['channel', 'list'],
  summary: "List a project's channels, with the state of WhatsApp Web sessions",
  options: PROJECT,
  optionHelp: { project: 'project id (required)' },
  async run(context) {
    const projectId = integerArgument(stringOption(context.values, 'project'), '--project');
    return withGateway(context, async (gateway, accountId) => {
      const project = await gateway.services.projects.get(accountId, projectId);
      const channels = (await gateway.services.channels.listForProject(project.id)).filter((channel) => channel.status !== 'deleted');
      const rows: Record<string, unknown>[] = [];
      for (const channel of channels) {
        const session = channel.kind === 10 ? await gateway.storage.stores.whatsappWeb.findSession(channel.id) : undefined;
        rows.push({ ...channelJson(channel), ...(channel.kind === 10 && { session_status: webStatusName(session), connected_number: session?.connectedNumber ?? '' }) });
      }
      const lines = rows.map((row) => `${String(row.channel_id).padStart(5)}  ${String(row.application).padStart(3)}  ${String(row.name).padEnd(28)} ${row.session_status ?? ''} ${row.connected_number ?? ''}`.trimEnd());
      return { json: rows, text: lines.join('\n') || 'no channels' };
    });
  },
};

export const channelDeleteCommand: Command = {
  words: ['channel', 'delete'],
  summary: 'Delete a WhatsApp Web channel: its queue is cancelled, its session and logs erased',
  options: { ...PROJECT, ...CHANNEL },
  optionHelp: { project: 'project id (required)', channel: 'channel id (required)' },
  async run(context) {
    const projectId = integerArgument(stringOption(context.values, 'project'), '--project');
    const channelId = integerArgument(stringOption(context.values, 'channel'), '--channel');
    return withGateway(context, async (gateway, accountId) => {
      const project = await gateway.services.projects.get(accountId, projectId);
      const { cancelled } = await gateway.whatsappWeb.remove(project, channelId);
      return { json: { channel_id: String(channelId), channel_status: 'deleted', messages_cancelled: cancelled }, text: `channel ${channelId} deleted (${cancelled} queued messages cancelled)` };
    });
  },
};

export const channelQrCommand: Command = {
  words: ['channel', 'qr'],
  summary: "Print a WhatsApp Web session's current QR code (the running gateway must have started the session)",
  options: { ...PROJECT, ...CHANNEL, wait: { type: 'string' } },
  optionHelp: { project: 'project id (required)', channel: 'channel id (default: the first WhatsApp Web channel)', wait: 'seconds to wait for a QR code to appear (default 0)' },
  async run(context) {
    const projectId = integerArgument(stringOption(context.values, 'project'), '--project');
    const waitSeconds = integerArgument(stringOption(context.values, 'wait') ?? '0', '--wait');
    return withGateway(context, async (gateway, accountId) => {
      const project = await gateway.services.projects.get(accountId, projectId);
      const channels = (await gateway.services.channels.listForProject(project.id)).filter((channel) => channel.kind === 10 && channel.status === 'active');
      const wanted = stringOption(context.values, 'channel');
      const channel = wanted === undefined ? channels[0] : channels.find((each) => each.id === integerArgument(wanted, '--channel'));
      if (!channel) throw new CommandFailedError('the project has no such WhatsApp Web channel');
      const deadline = Date.now() + waitSeconds * 1000;
      let session = await gateway.storage.stores.whatsappWeb.findSession(channel.id);
      while (!session?.qr && session?.state !== 'connected' && Date.now() < deadline) {
        await sleep(1000);
        session = await gateway.storage.stores.whatsappWeb.findSession(channel.id);
      }
      const status = webStatusName(session);
      if (!session?.qr) {
        const hint = status === 'UNPAIRED' ? ` — ${noQrHint(channel, session, waitSeconds)}` : '';
        return { json: { channel_id: String(channel.id), session_status: status, qr_code: '', last_error: session?.lastError ?? '' }, text: `channel ${channel.id}: ${status}${session?.connectedNumber ? ` (${session.connectedNumber})` : ''}${hint}` };
      }
      const { qrTerminalText } = await import('../../qr/qr-code.js');
      const drawing = await qrTerminalText(session.qr);
      return { json: { channel_id: String(channel.id), session_status: status, qr_code: session.qr }, text: `${drawing}\nScan with WhatsApp → Linked devices → Link a device (channel ${channel.id}).` };
    });
  },
};
