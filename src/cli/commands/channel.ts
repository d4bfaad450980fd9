// `switchboard channel create|list|delete|qr`: a project's WhatsApp Web channels, and the QR code of a
// session that the running gateway has started (printed in the terminal).
import { setTimeout as sleep } from 'node:timers/promises';
import { requireApplicationInPlan, webStatusName, type ChannelRecord, type WebSession } from '../../core/index.js';
import { qrTerminalText } from '../../qr/index.js';
import { CommandFailedError, integerArgument, stringOption, type Command } from '../command.js';
import { withGateway } from '../with-gateway.js';

const PROJECT = { project: { type: 'string' } } as const;
const CHANNEL = { channel: { type: 'string' } } as const;

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
  summary: 'Add a WhatsApp Web channel (application 10) to a project',
  options: { ...PROJECT, name: { type: 'string' }, echo: { type: 'boolean' } },
  optionHelp: { project: 'project id (required)', name: 'channel name (default WhatsApp Web)', echo: 'report messages the phone itself sends (direction 1)' },
  async run(context) {
    const projectId = integerArgument(stringOption(context.values, 'project'), '--project');
    return withGateway(context, async (gateway, accountId) => {
      const project = await gateway.services.projects.getChangeable(accountId, projectId);
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
      const drawing = await qrTerminalText(session.qr);
      return { json: { channel_id: String(channel.id), session_status: status, qr_code: session.qr }, text: `${drawing}\nScan with WhatsApp → Linked devices → Link a device (channel ${channel.id}).` };
    });
  },
};
