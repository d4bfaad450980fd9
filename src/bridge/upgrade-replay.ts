// Hands a request that asked to upgrade to something the gateway does not speak back to the HTTP server
// as the plain HTTP/1.1 request it also is: Node gives every request with `Upgrade` to the 'upgrade'
// listener, so without this `curl --http2` (`Upgrade: h2c`) or a WebSocket to a wrong path got no answer
// but a bare 404. RFC 9110 lets a server ignore an upgrade it does not take.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** Headers that only mean something to the upgrade; `Connection` keeps its other tokens. */
const UPGRADE_ONLY = new Set(['upgrade', 'http2-settings']);

/** The request's head as the client sent it, without what asked for the upgrade. */
function headWithoutUpgrade(request: IncomingMessage): string {
  const lines = [`${request.method ?? 'GET'} ${request.url ?? '/'} HTTP/${request.httpVersion}`];
  const raw = request.rawHeaders;
  for (let index = 0; index + 1 < raw.length; index += 2) {
    const name = raw[index]!;
    const value = raw[index + 1]!;
    const lower = name.toLowerCase();
    if (UPGRADE_ONLY.has(lower)) continue;
    if (lower === 'connection') {
      const kept = value.split(',').map((token) => token.trim()).filter((token) => token !== '' && !UPGRADE_ONLY.has(token.toLowerCase()));
      if (kept.length > 0) lines.push(`${name}: ${kept.join(', ')}`);
      continue;
    }
    lines.push(`${name}: ${value}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

/**
 * Gives the connection back to the HTTP server with the request's head rewritten and the bytes already
 * read after it (`head`: the start of a body) in front of the rest: the server parses it as any request.
 */
export function replayWithoutUpgrade(server: Server, request: IncomingMessage, socket: Duplex, head: Buffer): void {
  // Header values come from Node's parser as latin1 strings: written back the same way, bytes stay bytes.
  socket.unshift(Buffer.concat([Buffer.from(headWithoutUpgrade(request), 'latin1'), head]));
  server.emit('connection', socket);
}
