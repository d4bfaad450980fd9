// The NUL character (U+0000): PostgreSQL text cannot store it and no field has a use for it, so text
// that carries one is refused where it enters (HTTP bodies, device frames) instead of failing a write.
import { mapStrings } from './map-strings.js';

export const NUL_REFUSAL = 'text must not contain the NUL character (\\u0000)';

/** Whether any string (or key) in a parsed value holds a NUL, walked without recursion. */
export function containsNulCharacter(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return true;
    } else if (value !== null && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (key.includes('\u0000')) return true;
        stack.push(inner);
      }
    }
  }
  return false;
}

/**
 * A copy of `value` without NUL characters, for text from the outside world that cannot be refused
 * (a message WhatsApp delivered): dropping the character keeps the message storable on PostgreSQL.
 */
export function withoutNulCharacters<T>(value: T): T {
  return mapStrings(value, (text) => text.replaceAll('\u0000', ''));
}
