// Reads loosely typed Picky fields (numbers as strings, flags as 0/1/true) and refuses anything else
// with 410 naming the field. Hand-written because push sits on the hot path and must name the exact
// entry (`data[3].message`) that is wrong.
import { invalidRequest } from '../status-codes.js';

export type Raw = Record<string, unknown>;

export function isObject(value: unknown): value is Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A text field: strings, and numbers written as text; null/absent/"" → undefined. */
export function readText(raw: Raw, key: string, path: string, max: number): string | undefined {
  const value = raw[key];
  if (value === undefined || value === null || value === '') return undefined;
  const text = typeof value === 'string' ? value : typeof value === 'number' && Number.isFinite(value) ? String(value) : undefined;
  if (text === undefined) throw invalidRequest(`${path}${key} must be a string`);
  if (text.length > max) throw invalidRequest(`${path}${key} is longer than ${max} characters (${text.length})`);
  return text;
}

/** A whole number, given as a number or a numeric string. */
export function readInteger(raw: Raw, key: string, path: string): number | undefined {
  const value = raw[key];
  if (value === undefined || value === null || value === '') return undefined;
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d{1,15}\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number)) throw invalidRequest(`${path}${key} must be a whole number`);
  return number;
}

/** A 0/1 flag: 0, 1, "0", "1", true, false. */
export function readFlag(raw: Raw, key: string, path: string): boolean {
  const value = raw[key];
  if (value === undefined || value === null || value === '' || value === 0 || value === '0' || value === false || value === 'false') return false;
  if (value === 1 || value === '1' || value === true || value === 'true') return true;
  throw invalidRequest(`${path}${key} must be 0 or 1`);
}

/** A decimal number, given as a number or a numeric string, within [min, max]. */
export function readDecimal(raw: Raw, key: string, path: string, min: number, max: number): number {
  const value = raw[key];
  const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(number) || number < min || number > max) throw invalidRequest(`${path}${key} must be a number from ${min} to ${max}`);
  return number;
}

/** An array with at most `max` items; absent/null → undefined. */
export function readArray(raw: Raw, key: string, path: string, max: number): unknown[] | undefined {
  const value = raw[key];
  if (value === undefined || value === null || value === '') return undefined;
  if (!Array.isArray(value)) throw invalidRequest(`${path}${key} must be an array`);
  if (value.length > max) throw invalidRequest(`${path}${key} has more than ${max} items (${value.length})`);
  return value;
}

/** An array of texts (numbers accepted as text), each at most `maxLength` long. */
export function readTextArray(raw: Raw, key: string, path: string, maxItems: number, maxLength: number): string[] | undefined {
  const items = readArray(raw, key, path, maxItems);
  if (!items) return undefined;
  return items.map((item, index) => readText({ v: item }, 'v', '', maxLength) ?? checkEmpty(item, `${path}${key}[${index}]`));
}

function checkEmpty(item: unknown, where: string): string {
  if (item === '' || item === null) return '';
  throw invalidRequest(`${where} must be a string`);
}

/** Buttons and similar structures are passed to the channel as given, within size limits. */
export function readStructuredArray(raw: Raw, key: string, path: string, maxItems: number, maxJsonLength: number): unknown[] | undefined {
  const items = readArray(raw, key, path, maxItems);
  if (!items) return undefined;
  items.forEach((item, index) => {
    if (typeof item !== 'string' && !isObject(item)) throw invalidRequest(`${path}${key}[${index}] must be a string or an object`);
    if (JSON.stringify(item).length > maxJsonLength) throw invalidRequest(`${path}${key}[${index}] is larger than ${maxJsonLength} characters`);
  });
  return items;
}

export function readUrl(raw: Raw, key: string, path: string, max: number): string | undefined {
  const text = readText(raw, key, path, max)?.trim();
  if (!text) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidRequest(`${path}${key} is not a valid URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidRequest(`${path}${key} must be an http or https URL`);
  return text;
}
