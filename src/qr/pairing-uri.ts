// The pairing URI a phone scans: the gateway URL and the project's license key. The bridge agent's
// `--pair` option reads the same text.

const SCHEME = 'switchboard://pair';

export function pairingUri(serverUrl: string, licenseKey: string): string {
  const params = new URLSearchParams({ server: serverUrl, license: licenseKey });
  return `${SCHEME}?${params.toString()}`;
}

/** Reads a pairing URI back; undefined when the text is not one. */
export function parsePairingUri(text: string): { serverUrl: string; licenseKey: string } | undefined {
  if (!text.startsWith(`${SCHEME}?`)) return undefined;
  const params = new URLSearchParams(text.slice(SCHEME.length + 1));
  const serverUrl = params.get('server');
  const licenseKey = params.get('license');
  if (!serverUrl || !licenseKey) return undefined;
  return { serverUrl, licenseKey };
}
