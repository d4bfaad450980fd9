// Reads the modem's answers for the heartbeat (3GPP TS 27.007): signal quality (+CSQ), the network
// operator and its radio technology (+COPS?), and the battery (+CBC, on modems that have one).

/** +CSQ: <rssi>,<ber>: rssi 0–31 (-113 to -51 dBm), 99 unknown. As a 0–100 share; undefined when unknown. */
export function signalPercent(lines: string[]): number | undefined {
  const match = lines.map((line) => /^\+CSQ:\s*(\d+)\s*,/.exec(line)).find(Boolean);
  if (!match) return undefined;
  const rssi = Number(match[1]);
  return rssi > 31 ? undefined : Math.round((rssi * 100) / 31);
}

/** Radio technology (<AcT> of +COPS) as the heartbeat's `internet` words. */
const ACCESS_TECHNOLOGY: Record<number, string> = { 0: '2G', 1: '2G', 2: '3G', 3: '2G', 4: '3G', 5: '3G', 6: '3G', 7: '4G', 8: '2G', 9: '4G', 10: '4G', 11: '5G', 12: '5G', 13: '4G' };

/** +COPS: <mode>[,<format>,"<oper>"[,<AcT>]]: the operator's name and the technology, when registered. */
export function operatorOf(lines: string[]): { operator?: string; internet?: string } {
  const match = lines.map((line) => /^\+COPS:\s*\d+\s*,\s*\d+\s*,\s*"([^"]*)"\s*(?:,\s*(\d+))?/.exec(line)).find(Boolean);
  if (!match) return {};
  const technology = match[2] === undefined ? undefined : ACCESS_TECHNOLOGY[Number(match[2])];
  return { operator: match[1]!.slice(0, 64), ...(technology && { internet: technology }) };
}

/** +CBC: <bcs>,<bcl>: bcs 1 = charging; bcl the level 0–100. Some modems answer the voltage only: ignored. */
export function batteryOf(lines: string[]): { battery?: number; charging?: boolean } {
  const match = lines.map((line) => /^\+CBC:\s*(\d+)\s*,\s*(\d+)/.exec(line)).find(Boolean);
  if (!match) return {};
  const level = Number(match[2]);
  return level > 100 ? {} : { battery: level, charging: match[1] === '1' };
}
