// The `conference-request` model: application 4, priority, the two future-scope flags and 2 to 5
// numbers, each checked like a push recipient (406), with the documented 505 / 506 for the count.
import { isObject, readFlag, readInteger, type Raw } from '../push/field-reader.js';
import { normalizeNumber } from '../push/push-request.js';
import { PickyError, Status, invalidRequest } from '../status-codes.js';
import { MAX_CONFERENCE_MEMBERS, MIN_CONFERENCE_MEMBERS } from './conference.js';

export interface ParsedConference {
  priority: 0 | 1;
  isGatewayMuted: boolean;
  isRecorded: boolean;
  numbers: string[];
}

export function parseConferenceRequest(raw: Raw): ParsedConference {
  const application = readInteger(raw, 'application', '');
  if (application === undefined) throw invalidRequest('application is required (4 for calls)');
  if (application !== 4) throw invalidRequest(`application must be 4 (call conference), not ${application}`);
  const priority = readInteger(raw, 'priority', '') ?? 0;
  if (priority !== 0 && priority !== 1) throw invalidRequest('priority must be 0 (low) or 1 (high)');
  const isGatewayMuted = readFlag(raw, 'mute_gateway', '');
  const isRecorded = readFlag(raw, 'record', '');
  const entries = raw.data;
  if (entries !== undefined && entries !== null && entries !== '' && !Array.isArray(entries)) throw invalidRequest('data must be an array');
  const list = (Array.isArray(entries) ? entries : []) as unknown[];
  if (list.length < MIN_CONFERENCE_MEMBERS) throw new PickyError(Status.tooFewContacts, `data has ${list.length} number(s); a call needs ${MIN_CONFERENCE_MEMBERS} to ${MAX_CONFERENCE_MEMBERS}`);
  if (list.length > MAX_CONFERENCE_MEMBERS) throw new PickyError(Status.tooManyContacts, `data has ${list.length} numbers; at most ${MAX_CONFERENCE_MEMBERS}`);
  const numbers = list.map((entry, index) => {
    if (!isObject(entry)) throw invalidRequest(`data[${index}] must be an object`);
    const number = normalizeNumber(entry.number);
    if (!number) throw new PickyError(Status.invalidNumber, `data[${index}].number: digits with country code, 5-15 long, not starting with 0`);
    return number;
  });
  if (new Set(numbers).size !== numbers.length) throw invalidRequest('data lists the same number twice');
  return { priority, isGatewayMuted, isRecorded, numbers };
}
