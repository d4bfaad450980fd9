// `conference-request` and `conference-report` (application 4: click-to-call and call conferences).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { conferenceReportRow, type CallService } from '../core/index.js';
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
    async handle(input, caller) {
      deps.pushRateLimit.take(caller.project.id);
      return deps.calls.submit(caller, input);
    },
  });

  registerPickyEndpoint(app, deps, {
    name: 'conference-report',
    auth: 'project',
    schema: Type.Object({ token: Type.String(), push_id: IdField }),
    async handle(input, { project }) {
      const { conference, calls } = await deps.calls.find(project, input.push_id);
      return calls.map((call) => conferenceReportRow(project, conference, call));
    },
  });
}
