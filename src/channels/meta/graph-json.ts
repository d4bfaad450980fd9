// Reading Graph's JSON (answers and webhooks) without trusting its shape: a field that is not what we
// expect reads as empty, never throws.

export type Json = Record<string, unknown>;

export const asRecord = (value: unknown): Json => (value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {});
export const asList = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
/** Text, or a number written as text (Graph sends ids and timestamps either way); '' otherwise. */
export const text = (value: unknown): string => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '');
