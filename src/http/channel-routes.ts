// `pm/create-channel`, `pm/list-channels`, `pm/update-channel`, `pm/delete-channel` (master token): a
// project's extra WhatsApp Web channels and their settings (echoes, pacing).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { PickyError, Status, invalidRequest, isMetaKind, requireApplicationInPlan, webStatusName, type ChannelRecord, type ChannelService, type MetaChannelService, type ProjectService, type Storage, type WhatsAppWebSessions } from '../core/index.js';
import { IdField, SmallIntegerField, registerPickyEndpoint, type EndpointDeps } from './picky-endpoint.js';
import { success } from './picky-response.js';

export interface ChannelRouteDeps extends EndpointDeps {
  projects: ProjectService;
  channels: ChannelService;
  storage: Storage;
  whatsappWeb: WhatsAppWebSessions;
  /** Meta channels (applications 5, 8, 101, 121): linked with their credentials, shown masked. */
  metaChannels: Pick<MetaChannelService, 'create' | 'describe' | 'remove'>;
  publicUrl(): string;
}

/** What links a channel to Meta (pm/create-channel with application 5, 8, 101 or 121). */
const MetaFields = {
  phone_number_id: Type.Optional(Type.String({ maxLength: 64 })),
  waba_id: Type.Optional(Type.String({ maxLength: 64 })),
  page_id: Type.Optional(Type.String({ maxLength: 64 })),
  access_token: Type.Optional(Type.String({ maxLength: 2048 })),
  app_secret: Type.Optional(Type.String({ maxLength: 256 })),
  verify_token: Type.Optional(Type.String({ maxLength: 256 })),
  messages_per_second: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10_000 })),
  message_tag: Type.Optional(Type.String({ maxLength: 64 })),
};

const Settings = {
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  /** 1: messages the phone itself sends reach the global webhook with `direction: 1`. */
  echo_messages: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)])),
  send_gap_min_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600_000 })),
  send_gap_max_ms: Type.Optional(Type.Integer({ minimum: 0, maximum: 3_600_000 })),
};

type SettingsInput = { echo_messages?: 0 | 1 | undefined; send_gap_min_ms?: number | undefined; send_gap_max_ms?: number | undefined };

function settingsFrom(input: SettingsInput, current: Record<string, unknown>): Record<string, unknown> {
  const settings = { ...current };
  if (input.echo_messages !== undefined) settings.echo_messages = input.echo_messages === 1;
  if (input.send_gap_min_ms !== undefined) settings.send_gap_min_ms = input.send_gap_min_ms;
  if (input.send_gap_max_ms !== undefined) settings.send_gap_max_ms = input.send_gap_max_ms;
  if (typeof settings.send_gap_min_ms === 'number' && typeof settings.send_gap_max_ms === 'number' && settings.send_gap_min_ms > settings.send_gap_max_ms) {
    throw invalidRequest('send_gap_min_ms must not exceed send_gap_max_ms');
  }
  return settings;
}

export function registerChannelRoutes(app: FastifyInstance, deps: ChannelRouteDeps): void {
  const view = async (channel: ChannelRecord) => {
    const session = channel.kind === 10 ? await deps.storage.stores.whatsappWeb.findSession(channel.id) : undefined;
    return {
      channel_id: String(channel.id),
      application: channel.kind,
      name: channel.name,
      channel_status: channel.status,
      settings: channel.settings,
      ...(channel.kind === 10 && { session_status: webStatusName(session), connected_number: session?.connectedNumber ?? '' }),
      ...(isMetaKind(channel.kind) && { ...(await deps.metaChannels.describe(channel.id)), webhook_url: `${deps.publicUrl()}/webhooks/meta` }),
    };
  };
  const webChannel = async (projectId: number, channelId: number) => {
    const channel = (await deps.channels.listForProject(projectId)).find((each) => each.id === channelId && each.kind === 10 && each.status === 'active');
    if (!channel) throw new PickyError(Status.noChannel, `the project has no WhatsApp Web channel ${channelId}`);
    return channel;
  };

  registerPickyEndpoint(app, deps, {
    name: 'pm/create-channel',
    auth: 'master',
    schema: Type.Object({ token: Type.String(), project_id: IdField, application: Type.Optional(SmallIntegerField), ...Settings, ...MetaFields }),
    doc: { tag: 'Channels', summary: 'Add a WhatsApp Web (10), Messenger (5) or WhatsApp Official (8, 101, 121) channel to a project', codes: [Status.notInPlan, Status.projectNotActive] },
    async handle(input, account) {
      if (input.application !== undefined && isMetaKind(input.application)) {
        const project = await deps.projects.getChangeable(account.id, input.project_id);
        const { channel } = await deps.metaChannels.create(project, {
          kind: input.application,
          name: input.name,
          phoneNumberId: input.phone_number_id,
          wabaId: input.waba_id,
          pageId: input.page_id,
          accessToken: input.access_token,
          appSecret: input.app_secret,
          verifyToken: input.verify_token,
          messagesPerSecond: input.messages_per_second,
          messageTag: input.message_tag,
        });
        return success({ project_id: String(project.id), ...(await view(channel)) });
      }
      // WhatsApp Web channels are made this way too; phone channels come with the project's service.
      if ((input.application ?? 10) !== 10) throw invalidRequest('application must be 10 (WhatsApp Web Automation), 5 (Messenger), 8, 101 or 121 (WhatsApp Official)');
      const project = await deps.projects.getChangeable(account.id, input.project_id);
      requireApplicationInPlan(project.billingPlan, 10);
      const channel = await deps.channels.create(project.id, 10, input.name ?? 'WhatsApp Web', settingsFrom(input, {}));
      return success({ project_id: String(project.id), ...(await view(channel)) });
    },
  });

  registerPickyEndpoint(app, deps, {
    name: 'pm/list-channels',
    auth: 'master',
    schema: Type.Object({ token: Type.String(), project_id: IdField }),
    doc: { tag: 'Channels', summary: "A project's channels with their status", codes: [] },
    async handle(input, account) {
      const project = await deps.projects.get(account.id, input.project_id);
      const channels = (await deps.channels.listForProject(project.id)).filter((channel) => channel.status !== 'deleted');
      return success({ project_id: String(project.id), data: await Promise.all(channels.map(view)) });
    },
  });

  registerPickyEndpoint(app, deps, {
    name: 'pm/update-channel',
    auth: 'master',
    schema: Type.Object({ token: Type.String(), project_id: IdField, channel_id: IdField, ...Settings }),
    doc: { tag: 'Channels', summary: "Change a WhatsApp Web channel's name and settings", codes: [Status.noChannel, Status.projectNotActive] },
    async handle(input, account) {
      const project = await deps.projects.getChangeable(account.id, input.project_id);
      const channel = await webChannel(project.id, input.channel_id);
      const updated = await deps.channels.update(channel, { settings: settingsFrom(input, channel.settings), ...(input.name !== undefined && { name: input.name }) });
      return success({ project_id: String(project.id), ...(await view(updated)) });
    },
  });

  registerPickyEndpoint(app, deps, {
    name: 'pm/delete-channel',
    auth: 'master',
    schema: Type.Object({ token: Type.String(), project_id: IdField, channel_id: IdField }),
    doc: { tag: 'Channels', summary: 'Delete a channel; its queued messages are cancelled', codes: [Status.noChannel] },
    async handle(input, account) {
      const project = await deps.projects.get(account.id, input.project_id);
      const meta = await deps.metaChannels.remove(project, input.channel_id);
      if (meta) return success({ project_id: String(project.id), channel_id: String(input.channel_id), channel_status: 'deleted', messages_cancelled: meta.cancelled });
      const channel = await webChannel(project.id, input.channel_id);
      const { cancelled } = await deps.whatsappWeb.remove(project, channel.id);
      return success({ project_id: String(project.id), channel_id: String(channel.id), channel_status: 'deleted', messages_cancelled: cancelled });
    },
  });
}
