// Our WhatsApp Web extras: the QR API (text and PNG) and phone-number pairing codes with the project
// token, and the download of received media behind its unguessable URL.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { PickyError, Status, normalizeNumber, webStatusName, type WhatsAppWebSessions } from '../core/index.js';
import { qrPngBase64 } from '../qr/index.js';
import { SmallIntegerField, registerPickyEndpoint, type EndpointDeps } from './picky-endpoint.js';
import { failure, success } from './picky-response.js';
import { sendMedia } from './media-reply.js';

export interface WhatsAppWebRouteDeps extends EndpointDeps {
  whatsappWeb: WhatsAppWebSessions;
}

/** `application` 10 (the project's first WhatsApp Web channel) or a channel id; `channel_id` says the same. */
const Target = { token: Type.String(), application: Type.Optional(SmallIntegerField), channel_id: Type.Optional(SmallIntegerField) };
const targetOf = (input: { application?: number | undefined; channel_id?: number | undefined }) => input.channel_id ?? input.application ?? 10;

export function registerWhatsAppWebRoutes(app: FastifyInstance, deps: WhatsAppWebRouteDeps): void {
  const checkWeb = async (project: Parameters<WhatsAppWebSessions['status']>[0], target: number) => {
    if (!(await deps.whatsappWeb.isWebApplication(project, target))) throw new PickyError(Status.noChannel, `application ${target} is not a WhatsApp Web channel of this project`);
  };

  registerPickyEndpoint(app, deps, {
    name: 'whatsapp-qr',
    auth: 'project',
    console: 'also',
    schema: Type.Object(Target),
    doc: { tag: 'WhatsApp Web', summary: "The QR code (text and PNG) to link a WhatsApp Web session; 404 with the reason when there is none", codes: [Status.noChannel] },
    async handle(input, { project }) {
      const target = targetOf(input);
      await checkWeb(project, target);
      const { channelId, session, noQrReason } = await deps.whatsappWeb.pairing(project, target);
      const fields = {
        project_id: String(project.id),
        channel_id: String(channelId),
        session_status: webStatusName(session),
        connected_number: session.connectedNumber,
        qr_code: session.qr,
        qr_code_base64: session.qr ? await qrPngBase64(session.qr) : '',
        pairing_code: session.pairingCode,
        last_error: session.lastError,
      };
      // An unpaired session without a code is a failure to say, not a success with an empty code: 404
      // (no channel able to carry it, as for a phone that cannot be reached), why in `detail`.
      if (noQrReason !== undefined) return { ...failure(new PickyError(Status.noChannel, noQrReason)), ...fields };
      return success(fields);
    },
  });

  registerPickyEndpoint(app, deps, {
    name: 'whatsapp-pairing-code',
    auth: 'project',
    console: 'also',
    schema: Type.Object({ ...Target, number: Type.String() }),
    doc: { tag: 'WhatsApp Web', summary: 'A pairing code to link the session by phone number instead of QR', codes: [Status.noChannel, Status.invalidNumber] },
    async handle(input, { project }) {
      const target = targetOf(input);
      await checkWeb(project, target);
      const number = normalizeNumber(input.number);
      if (!number) throw new PickyError(Status.invalidNumber, `number '${input.number}': digits with country code, 5-15 long, not starting with 0`);
      return success({ number, pairing_code: await deps.whatsappWeb.pairingCode(project, target, number) });
    },
  });

  // Media received by a WhatsApp Web session; the random id in the URL is the only credential.
  app.get('/whatsapp-web/media/:mediaId', async (request, reply) => {
    const media = await deps.whatsappWeb.receivedMedia((request.params as { mediaId: string }).mediaId);
    if (!media) return reply.code(404).send({ status: 410, message: 'Invalid Request', detail: 'no such media' });
    return sendMedia(reply, media, 'private, max-age=86400');
  });
}
