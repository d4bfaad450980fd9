// Reads a Picky request into one plain object, however the client sent it: a JSON body; the same JSON in
// a `data` field of a urlencoded or multipart form, or of the query string ("Normal POST method"); or
// plain form fields. Keys are trimmed, so the documented `"priority "` spelling reads as `priority`.
import { NUL_REFUSAL, containsNulCharacter, invalidRequest } from '../core/index.js';
import { readMultipartFields } from './multipart-fields.js';

export type PickyInput = Record<string, unknown>;

const MAX_KEY_DEPTH = 4;
/** Deeper bodies are refused: later code (schema checks, JSON.stringify) recurses, and must not overflow. */
export const MAX_BODY_DEPTH = 32;

/** The nesting depth of a parsed value, measured without recursion. */
function depthOf(root: unknown): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > deepest) deepest = depth;
    if (deepest > MAX_BODY_DEPTH) return deepest;
    for (const inner of Object.values(value)) if (inner !== null && typeof inner === 'object') stack.push([inner, depth + 1]);
  }
  return deepest;
}

function parseJsonObject(text: string, where: string): PickyInput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw invalidRequest(`${where} is not valid JSON (${(error as Error).message})`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw invalidRequest(`${where} must be a JSON object`);
  }
  if (depthOf(parsed) > MAX_BODY_DEPTH) throw invalidRequest(`${where} is nested deeper than ${MAX_BODY_DEPTH} levels`);
  return parsed as PickyInput;
}

/** A `data` field holding the whole request as JSON wins; otherwise the fields are the request. */
function fromFields(fields: Record<string, unknown>, where: string): PickyInput {
  const data = fields.data;
  if (typeof data === 'string' && data.trim().startsWith('{')) return parseJsonObject(data, `${where} field 'data'`);
  return { ...fields };
}

/**
 * Trims surrounding spaces from keys, recursively. When both spellings are present ("priority" and
 * "priority ") the exact one wins.
 */
export function normalizeKeys(value: unknown, depth = 0): unknown {
  if (depth > MAX_KEY_DEPTH || value === null || typeof value !== 'object') return value;
  // Most requests have no key to trim: leave them as parsed, without copying.
  if (!needsTrimming(value, depth)) return value;
  if (Array.isArray(value)) return value.map((item) => normalizeKeys(item, depth + 1));
  const result: PickyInput = {};
  for (const [key, inner] of Object.entries(value)) {
    const trimmed = key.trim();
    if (trimmed !== key && Object.hasOwn(value, trimmed)) continue;
    result[trimmed] = normalizeKeys(inner, depth + 1);
  }
  return result;
}

function looksLikeJson(body: Buffer): boolean {
  for (const byte of body) {
    if (byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09) continue;
    return byte === 0x7b;
  }
  return false;
}

function needsTrimming(value: object, depth: number): boolean {
  if (depth > MAX_KEY_DEPTH) return false;
  if (Array.isArray(value)) return value.some((item) => item !== null && typeof item === 'object' && needsTrimming(item as object, depth + 1));
  for (const key in value) {
    const first = key.charCodeAt(0);
    const last = key.charCodeAt(key.length - 1);
    if (first <= 0x20 || last <= 0x20 || first === 0xa0 || last === 0xa0) return true;
    const inner = (value as Record<string, unknown>)[key];
    if (inner !== null && typeof inner === 'object' && needsTrimming(inner, depth + 1)) return true;
  }
  return false;
}

export async function readPickyInput(contentType: string | undefined, body: Buffer | undefined, query: Record<string, unknown>): Promise<PickyInput> {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  let input: PickyInput;
  if (!body || body.length === 0) {
    input = fromFields(query, 'query');
  } else if (looksLikeJson(body)) {
    // `curl -d '{…}'` labels JSON as urlencoded; a form body never starts with '{'.
    input = parseJsonObject(body.toString('utf8'), 'body');
  } else if (type === 'application/x-www-form-urlencoded') {
    input = fromFields(Object.fromEntries(new URLSearchParams(body.toString('utf8'))), 'form');
  } else if (type === 'multipart/form-data') {
    let fields: Record<string, string>;
    try {
      fields = await readMultipartFields(contentType!, body);
    } catch (error) {
      throw invalidRequest(`multipart body cannot be read (${(error as Error).message})`);
    }
    input = fromFields(fields, 'form');
  } else {
    // JSON, and also bodies sent without (or with a wrong) content type: many scripts forget the header.
    input = parseJsonObject(body.toString('utf8'), 'body');
  }
  // Only a body that could hold a NUL (escaped, percent-encoded or raw) is walked: pushes stay cheap.
  const mayHoldNul = !body || body.length === 0 || body.indexOf('\\u0000') !== -1 || body.indexOf('%00') !== -1 || body.indexOf(0) !== -1;
  if (mayHoldNul && containsNulCharacter(input)) throw invalidRequest(NUL_REFUSAL);
  return normalizeKeys(input) as PickyInput;
}
