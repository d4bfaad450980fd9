// `conference-request` and `conference-report` (application 4: click-to-call and call conferences).
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import { Status, conferenceReportRow, type CallService } from '../core/index.js';
import { ConferenceReportRow, ConferenceRequest } from './doc-schemas.js';
import { IdField, RAW_INPUT, registerPickyEndpoint, type EndpointDeps } from './picky-endpoint.js';
import type { PushRateLimit } from './push-rate-limit.js';

export interface ConferenceRouteDeps extends EndpointDeps {
  calls: CallService;
  /** A conference is a push (one series of push ids): it counts against the same per-project limit. */
  pushRateLimit: PushRateLimit;
}

export function registerConferenceRoutes(app: FastifyInstance, deps: ConferenceRouteDeps): void {
  registerPickyEndpoint(app, deps, {
    name: 'conference-request',
    auth: 'project',
    // Read like push: loosely typed fields (numeric strings, "priority "), checked in the documented order.
    schema: RAW_INPUT,
    doc: {
      tag: 'Conference',
      summary: 'Place a call conference of 2 to 5 members through the phone (application 4)',
      description: 'HTTP 429 when the per-project push rate limit drops it.',
      codes: [Status.insufficientBalance, Status.noChannel, Status.notInPlan, Status.invalidNumber, Status.featureNotAvailable, Status.tooFewContacts, Status.tooManyContacts],
      request: ConferenceRequest,
      example: { request: { token: 'PROJECT_TOKEN', application: 4, priority: 0, data: [{ number: '9874565810' }, { number: '9874565811' }] }, response: { status: 100, push_id: '443', message: 'Success' } },
    },
    async handle(input, caller) {
      deps.pushRateLimit.take(caller.project.id);
      return deps.calls.submit(caller, input);
    },
  });

  registerPickyEndpoint(app, deps, {
    name: 'conference-report',
    auth: 'project',
    schema: Type.Object({ token: Type.String(), push_id: IdField }),
    doc: {
      tag: 'Conference',
      summary: "A conference's members and their calls (an array; a Picky answer only for refusals)",
      codes: [Status.invalidPushId],
      response: Type.Array(ConferenceReportRow),
      example: { request: { token: 'PROJECT_TOKEN', push_id: 69 }, response: [{ project_id: '27', push_id: '69', call_id: '153', number: '9874565810', duration: '12', status: '4', time: '20-12-2018 02:31 PM' }] },
    },
    async handle(input, { project }) {
      const { conference, calls } = await deps.calls.find(project, input.push_id);
      return calls.map((call) => conferenceReportRow(project, conference, call));
    },
  });
}
