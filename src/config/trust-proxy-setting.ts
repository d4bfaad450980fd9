// SWITCHBOARD_TRUST_PROXY: which proxies may name the client's address in X-Forwarded-For, as a number of
// hops or a list of proxy addresses. Trusting every hop (the old `true`) let any client pick its address.
import { Type } from '@sinclair/typebox';
import { allowListEntryProblem } from '../core/index.js';

/** How many proxies stand in front of the gateway (0: none, the socket's address is the client's), or which ones. */
export type TrustProxy = number | string[];

/** Address classes the HTTP layer knows by name, so that an operator need not spell out their ranges. */
const NAMED_RANGES = ['loopback', 'linklocal', 'uniquelocal'];
const MAX_HOPS = 100;

export const TrustProxySchema = Type.Union([
  Type.Integer({ minimum: 0, maximum: MAX_HOPS }),
  // Entries given as a JSON array in the config file skip the text parser: the pattern keeps out what is
  // plainly not an address, range or named range.
  Type.Array(Type.String({ pattern: `^([0-9A-Fa-f:.]+(/\\d{1,3})?|${NAMED_RANGES.join('|')})$` }), { minItems: 1 }),
]);

const FORMS = `a number of proxy hops (e.g. 1) or proxy addresses, CIDR ranges or ${NAMED_RANGES.join('/')} (e.g. 10.0.0.5,10.1.0.0/16)`;

export function parseTrustProxy(text: string): { value: TrustProxy } | { problem: string } {
  const trimmed = text.trim().toLowerCase();
  if (['', 'false', 'no', 'off'].includes(trimmed)) return { value: 0 };
  // Refused rather than read as one hop: a gateway behind two proxies would then take its own proxy's
  // address for every client's, and IP-bound tokens and the auth throttle would quietly go wrong.
  if (['true', 'yes', 'on'].includes(trimmed)) {
    return { problem: `'${text}' is no longer accepted (it trusted every hop, so any client could choose its address through X-Forwarded-For); give ${FORMS}` };
  }
  if (/^\d+$/.test(trimmed)) {
    const hops = Number(trimmed);
    return hops <= MAX_HOPS ? { value: hops } : { problem: `${hops} hops is more than ${MAX_HOPS}` };
  }
  const entries = trimmed.split(',').map((entry) => entry.trim()).filter(Boolean);
  for (const entry of entries) {
    if (NAMED_RANGES.includes(entry)) continue;
    const problem = allowListEntryProblem(entry);
    if (problem) return { problem: `${problem}; give ${FORMS}` };
  }
  return { value: entries };
}
