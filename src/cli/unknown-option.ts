// What to say about a command-line word that is not an option: the option it probably meant
// ("unknown option --prot (did you mean --port?)"), or that a negative number is not an amount.

/** Edit distance counting a swap of two neighbours as one edit (--prot → --port): typos are one or two away. */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i += 1) {
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** The word parseArgs refused, from its error (it carries no field for it), or undefined for other errors. */
export function refusedOption(error: unknown): string | undefined {
  if ((error as { code?: unknown }).code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return undefined;
  return /'([^']+)'/.exec((error as Error).message)?.[1];
}

/** `known` are long option names without dashes. */
export function unknownOptionMessage(option: string, known: readonly string[]): string {
  if (/^-\d/.test(option)) return `'${option}' is not accepted: amounts and ids are positive numbers`;
  const name = option.replace(/^-+/, '').split('=')[0]!;
  const limit = Math.max(1, Math.min(2, Math.floor(name.length / 3)));
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(name, candidate);
    if (distance <= limit && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return `unknown option ${option}${best ? ` (did you mean --${best.name}?)` : ''}`;
}
