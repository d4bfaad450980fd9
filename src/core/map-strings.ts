// Rewrites every string of a parsed JSON value, keys included: the one walk the text clean-ups share.

/** A copy of `value` with `map` applied to each string and key (Buffers and other values kept as they are). */
export function mapStrings<T>(value: T, map: (text: string) => string): T {
  if (typeof value === 'string') return map(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => mapStrings(item, map)) as T;
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [map(key), mapStrings(inner, map)])) as T;
  }
  return value;
}
