// Text from phones and WhatsApp may hold a lone UTF-16 surrogate (half an emoji), and a cut at a fixed
// length may split a pair: encodeURIComponent throws on either, which would lose the message whose
// webhook call is being built. These helpers keep text well formed before it is encoded.
import { mapStrings } from './map-strings.js';

declare global {
  interface String {
    /** ES2024, in Node 20. Declared alone: the compiler's library stays ES2023, as Node 20 lacks parts of ES2024. */
    toWellFormed(): string;
  }
}

/** The text with every lone surrogate replaced by U+FFFD. */
export function wellFormed(text: string): string {
  return text.toWellFormed();
}

/** A copy of a parsed JSON value with every string and key well formed. */
export function withWellFormedText<T>(value: T): T {
  return mapStrings(value, wellFormed);
}

/** At most `max` UTF-16 units, never ending in half a surrogate pair. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}
