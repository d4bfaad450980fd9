// `device-status` and `device-action` for phone automation, and the download of uploaded media by
// paired devices.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  PickyError,
  Status,
  deviceStatusReport,
  invalidRequest,
  isDeviceCommand,
  isWebCommand,
  APP_PHONE_COMMANDS,
  DEVICE_COMMANDS,
  WEB_COMMANDS,
  type CallService,
  type Device,
  type DeviceService,
  type Storage,
  type WhatsAppWebSessions,
} from '../core/index.js';
import { SmallIntegerField, registerPickyEndpoint, type EndpointDeps } from './picky-endpoint.js';
import { success } from './picky-response.js';
import { sendMedia } from './media-reply.js';

export interface DeviceRouteDeps extends EndpointDeps {
  devices: DeviceService;
  storage: Storage;
  calls: CallService;
  /** Application 10: the WhatsApp Web sessions answer device-status and device-action. */
  whatsappWeb: WhatsAppWebSessions;
}

const PHONE_APPLICATIONS = [1, 2, 3, 4];

/** The device the status shows: the one connected, else the one heard from last. */
function mainDevice(devices: Device[]): Device | undefined {
  return [...devices].sort((a, b) => Number(b.isOnline) - Number(a.isOnline) || b.lastSeenAt - a.lastSeenAt)[0];
}

function checkApplication(application: number | undefined): void {
  if (application === undefined || PHONE_APPLICATIONS.includes(application)) return;
  throw new PickyError(Status.noChannel, `application ${application} has no device this gateway can reach`);
}

export function registerDeviceRoutes(app: FastifyInstance, deps: DeviceRouteDeps): void {
  registerPickyEndpoint(app, deps, {
    name: 'device-status',
    auth: 'project',
    console: 'also',
    schema: Type.Object({ token: Type.String(), application: Type.Optional(SmallIntegerField) }),
    doc: {
      tag: 'Devices',
      summary: "The project's phone (or, with application 10, its WhatsApp Web session)",
      codes: [Status.noChannel, Status.deviceNotFound],
      example: {
        request: { token: 'PROJECT_TOKEN' },
        response: { status: 100, message: 'Success', project_id: '27', device_id: 'f5e17b8c81b8ecff', phone_name: 'Asus ASUS_Z010D', battery_percentage: '', charging_state: '', wifi_signal_strength: 'Not Connected', internet_status: '', message_queue_count: '2', call_queue_count: '', free_disk_space: '', cloud_message_status: 'Registered', time: '10-07-2018 11:52 AM' },
      },
    },
    async handle(input, { project }) {
      if (input.application !== undefined && (await deps.whatsappWeb.isWebApplication(project, input.application))) return deps.whatsappWeb.status(project, input.application);
      checkApplication(input.application);
      const devices = await deps.devices.list(project.id);
      const device = mainDevice(devices);
      if (!device) throw new PickyError(Status.deviceNotFound, 'no device is paired with this project');
      const queued = await deps.devices.pendingCount(project.id);
      const calls = await deps.calls.pendingCount(project.id);
      return {
        ...success(),
        ...deviceStatusReport(project, device, queued, calls),
        devices: devices.map((each) => deviceStatusReport(project, each, queued, calls)),
      };
    },
  });

  registerPickyEndpoint(app, deps, {
    name: 'device-action',
    auth: 'project',
    console: 'also',
    schema: Type.Object({ token: Type.String(), command: Type.String(), application: Type.Optional(SmallIntegerField), device_id: Type.Optional(Type.String()) }),
    doc: {
      tag: 'Devices',
      summary: 'Send a command to the phone (restart, reset, queue commands) or the WhatsApp Web session (application 10)',
      codes: [Status.noChannel],
      example: { request: { token: 'PROJECT_TOKEN', command: 'stop-message-queue' }, response: { status: 100, message: 'Success' } },
    },
    async handle(input, { project }) {
      if (input.application !== undefined && (await deps.whatsappWeb.isWebApplication(project, input.application))) {
        if (!isWebCommand(input.command)) throw invalidRequest(`command must be one of ${WEB_COMMANDS.join(', ')}`);
        const result = await deps.whatsappWeb.command(project, input.application, input.command);
        return success({ command: input.command, messages_cancelled: result.cancelled });
      }
      checkApplication(input.application);
      if (!isDeviceCommand(input.command)) throw invalidRequest(`command must be one of ${DEVICE_COMMANDS.join(', ')}`);
      let devices = await deps.devices.list(project.id);
      if (input.device_id !== undefined) devices = devices.filter((device) => device.deviceKey === input.device_id);
      if (devices.length === 0) throw new PickyError(Status.noChannel, input.device_id ? `no device ${input.device_id} is paired` : 'no device is paired with this project');
      // Phones running the SMS Gateway for Android app cannot restart, drop what they fetched or place calls.
      // `reset` of one such phone named by device_id is the operator forgetting a phone that is gone.
      const isForgettingAppPhone = input.command === 'reset' && input.device_id !== undefined;
      if (devices.every((device) => device.transport === 'android') && !APP_PHONE_COMMANDS.includes(input.command) && !isForgettingAppPhone) {
        throw new PickyError(Status.featureNotAvailable, `the SMS Gateway for Android app cannot obey ${input.command}; it obeys ${APP_PHONE_COMMANDS.join(', ')} (and reset with device_id, for a phone that is gone)`);
      }
      const result = await deps.devices.execute(project, devices, input.command, isForgettingAppPhone);
      return success({ command: input.command, devices_reached: result.delivered, messages_cancelled: result.cancelled, conferences_cancelled: result.callsCancelled });
    },
  });

  // Devices fetch media uploaded as base64 with a push; they authenticate with their device token.
  app.get('/bridge/v1/media/:mediaId', async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const device = header.startsWith('Bearer ') ? await deps.devices.authenticate(header.slice(7)) : undefined;
    const mediaId = Number((request.params as { mediaId: string }).mediaId);
    if (!device) return reply.code(401).send({ status: 401, message: 'Authentication Failed' });
    // A device token counts only while its project is Active, as for pairing: a deleted or expired
    // project's phones get nothing more.
    const project = await deps.storage.stores.projects.findById(device.projectId);
    if (project?.status !== 'Active') return reply.code(401).send({ status: 401, message: 'Authentication Failed', detail: `project ${device.projectId} is not active` });
    const media = Number.isSafeInteger(mediaId) ? await deps.storage.stores.pushes.findMedia(mediaId, true) : undefined;
    const push = media ? await deps.storage.stores.pushes.findById(media.pushId) : undefined;
    if (!media || !push || push.projectId !== device.projectId) return reply.code(404).send({ status: 410, message: 'Invalid Request', detail: 'no such media' });
    return sendMedia(reply, media);
  });
}
