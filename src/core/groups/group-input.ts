// Reads the group and settings APIs' loosely typed fields (numbers as numbers or strings, one or many)
// and checks them against the contract's limits, answering its own codes (833, 834, 836, 840, 819–822).
import { PickyError, Status, invalidRequest } from '../status-codes.js';
import { normalizeNumber } from '../push/push-request.js';
import type { ProfileUpdate } from './group-backend.js';

export const SUBJECT_MAX = 25;
export const MAX_NUMBERS = 256;
/** Ours: WhatsApp's own limit on a group description. */
export const GROUP_DESCRIPTION_MAX = 2048;

const characters = (text: string) => [...text].length;

/** `group_subject`: 833 empty, 834 over 25 characters (emoji count as one). */
export function readSubject(value: unknown): string {
  if (value !== undefined && value !== null && typeof value !== 'string' && typeof value !== 'number') throw invalidRequest('group_subject must be a string');
  const subject = String(value ?? '').trim();
  if (!subject) throw new PickyError(Status.groupSubjectEmpty, 'group_subject is empty');
  if (characters(subject) > SUBJECT_MAX) throw new PickyError(Status.groupSubjectTooLong, `group_subject is longer than ${SUBJECT_MAX} characters (${characters(subject)})`);
  return subject;
}

/** `group_id`: 836 when empty or not shaped like a group id (WhatsApp Web `…@g.us`, Cloud API ids). */
export function readGroupId(value: unknown): string {
  const id = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
  if (!id) throw new PickyError(Status.invalidGroupId, 'group_id is empty');
  if (id.length > 128 || !/^[A-Za-z0-9_.=:+\/-]+(@g\.us)?$/.test(id)) throw new PickyError(Status.invalidGroupId, `group_id '${id.slice(0, 64)}' is no group id`);
  return id;
}

/**
 * The numbers of a request: `number` (one, a comma-separated list, or an array) or `data: [{number}]`.
 * 840 when there is none or one is not a WhatsApp number.
 */
export function readNumbers(number: unknown, data: unknown): string[] {
  const raw: unknown[] = [];
  const add = (value: unknown) => {
    if (typeof value === 'string') raw.push(...value.split(',').map((part) => part.trim()).filter(Boolean));
    else raw.push(value);
  };
  if (Array.isArray(number)) number.forEach(add);
  else if (number !== undefined && number !== null && number !== '') add(number);
  if (Array.isArray(data)) for (const entry of data) add(entry !== null && typeof entry === 'object' ? (entry as Record<string, unknown>).number : entry);
  if (raw.length === 0) throw new PickyError(Status.invalidWhatsAppNumber, 'no number given (number, or data[].number)');
  if (raw.length > MAX_NUMBERS) throw invalidRequest(`at most ${MAX_NUMBERS} numbers per request (${raw.length})`);
  const numbers: string[] = [];
  for (const value of raw) {
    const normal = normalizeNumber(value);
    if (!normal) throw new PickyError(Status.invalidWhatsAppNumber, `'${String(value).slice(0, 32)}' is not a WhatsApp number: digits with country code, 5-15 long, not starting with 0`);
    if (!numbers.includes(normal)) numbers.push(normal);
  }
  return numbers;
}

/** A whole number field that may come as a numeric string; undefined when absent. */
export function readInteger(value: unknown, field: string): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d{1,9}\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number)) throw invalidRequest(`${field} must be a whole number`);
  return number;
}

/** An http(s) URL for an icon or picture; 410 otherwise (the media rules check it again when fetched). */
export function readImageUrl(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || value.length > 2048 || !/^https?:\/\/\S+$/i.test(value.trim())) throw invalidRequest(`${field} must be an http(s) URL`);
  return value.trim();
}

function readText(value: unknown, field: string, max: number, code: (typeof Status)[keyof typeof Status]): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidRequest(`${field} must be a string`);
  if (characters(value) > max) throw new PickyError(code, `${field} is longer than ${max} characters (${characters(value)})`);
  return value;
}

/** `update-profile`'s fields, each within its limit (819–822 for the four texts, 410 for the rest). */
export function readProfileUpdate(raw: Record<string, unknown>): ProfileUpdate {
  const industry = readInteger(raw.industry, 'industry');
  if (industry !== undefined && (industry < 1 || industry > 17)) throw invalidRequest('industry must be 1-17');
  let websites: string[] | undefined;
  if (raw.websites !== undefined && raw.websites !== null) {
    const list = Array.isArray(raw.websites) ? raw.websites : [raw.websites];
    if (list.length > 2) throw invalidRequest(`websites holds at most 2 addresses (${list.length})`);
    websites = list.map((site, index) => {
      if (typeof site !== 'string' || site.length > 256 || !/^https?:\/\/\S+$/i.test(site)) throw invalidRequest(`websites[${index}] must be an http(s) URL of at most 256 characters`);
      return site;
    });
  }
  const email = readText(raw.email, 'email', 250, Status.emailTooLong);
  if (email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw invalidRequest('email is not an email address');
  const update: ProfileUpdate = {
    about: readText(raw.about, 'about', 139, Status.aboutTooLong),
    address: readText(raw.address, 'address', 256, Status.addressTooLong),
    description: readText(raw.description, 'description', 256, Status.descriptionTooLong),
    email,
    industry,
    websites,
    profilePicUrl: readImageUrl(raw.profile_pic, 'profile_pic'),
  };
  if (Object.values(update).every((value) => value === undefined)) throw invalidRequest('nothing to update: give about, address, description, email, industry, websites or profile_pic');
  return update;
}
