// Where a device connects: the gateway's /bridge/v1 WebSocket, derived from its HTTP(S) URL (the one
// a pairing QR code carries). A ws(s) URL is taken as given.
const BRIDGE_PATH = '/bridge/v1';

export class BridgeUrlError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'BridgeUrlError';
  }
}

/** `http://host:8080` → `ws://host:8080/bridge/v1`; a path prefix is kept (`https://h/sb` → `wss://h/sb/bridge/v1`). */
export function bridgeUrl(serverUrl: string): string {
  let url: URL;
  try {
    url = new URL(serverUrl);
  } catch (error) {
    throw new BridgeUrlError(`'${serverUrl}' is not a URL`, { cause: error });
  }
  if (url.protocol === 'ws:' || url.protocol === 'wss:') return url.href;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new BridgeUrlError(`'${serverUrl}' must be an http(s) or ws(s) URL`);
  const prefix = url.pathname.replace(/\/+$/, '');
  return `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}${prefix}${BRIDGE_PATH}${url.search}`;
}
