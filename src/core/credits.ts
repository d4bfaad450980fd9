// Money as integers: credits are held in micro-credits so that no balance is ever a floating-point sum.

export const MICROS_PER_CREDIT = 1_000_000;
const DECIMAL = /^(\d{1,12})(?:\.(\d{1,6}))?$/;

/** Parses a decimal credit amount ("0.005", "12", 3.5) into micro-credits; undefined when it is not one. */
export function parseCredits(value: string | number): number | undefined {
  const text = typeof value === 'number' ? numberToPlainString(value) : value.trim();
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const whole = Number(match[1]);
  const fraction = Number((match[2] ?? '').padEnd(6, '0'));
  return whole * MICROS_PER_CREDIT + fraction;
}

/** Formats micro-credits as the shortest decimal string ("0.005", "10", "-2.5"). */
export function formatCredits(micros: number): string {
  const sign = micros < 0 ? '-' : '';
  const abs = Math.abs(micros);
  const whole = Math.floor(abs / MICROS_PER_CREDIT);
  const fraction = String(abs % MICROS_PER_CREDIT).padStart(6, '0').replace(/0+$/, '');
  return fraction ? `${sign}${whole}.${fraction}` : `${sign}${whole}`;
}

/** The balance as the JSON number the Picky contract shows (59.108); exact for six decimals. */
export function creditsAsNumber(micros: number): number {
  return Number(formatCredits(micros));
}

function numberToPlainString(value: number): string {
  if (!Number.isFinite(value) || value < 0) return 'x';
  // toFixed avoids exponent notation (1e-7); trailing zeros are harmless to the parser.
  return value.toFixed(6);
}
