// The `conference-report` answer and the call event webhook's items: one row per member call, in the
// documented string forms, with `time` in the project's time zone and date format.
import { formatProjectTime } from '../project-time.js';
import type { Project } from '../project.js';
import { callStatusName, type Conference, type MemberCall } from './conference.js';

/** Our own event next to delivery reports (event_id 1); `version` changes if the item's shape does. */
export const EVENT_CALL_STATUS = 11;
export const CALL_EVENT_VERSION = 1;

export function conferenceReportRow(project: Project, conference: Conference, call: MemberCall): Record<string, string> {
  return {
    project_id: String(project.id),
    push_id: String(conference.id),
    call_id: String(call.id),
    number: call.number,
    duration: String(call.duration),
    status: String(call.status),
    time: formatProjectTime(call.updatedAt, project.timeZone, project.dateFormat),
    reason: call.reason,
  };
}

export function callEventItem(project: Project, conference: Conference, call: MemberCall): Record<string, unknown> {
  return { ...conferenceReportRow(project, conference, call), state: callStatusName(call.status), at: call.updatedAt };
}
