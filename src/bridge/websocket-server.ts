// The one file that uses `ws` on the gateway side: accepts WebSocket upgrades on one path of the HTTP
// server and exposes each connection as a DeviceSocket.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { replayWithoutUpgrade } from './upgrade-replay.js';

export interface DeviceSocket {
  readonly remoteAddress: string;
  send(text: string): void;
  close(code: number, reason: string): void;
  terminate(): void;
  onText(handler: (data: Buffer) => void): void;
  onClose(handler: () => void): void;
}

export interface SocketServerSettings {
  path: string;
  /** Frames up to this size reach the handler (which may refuse them politely); larger ones close the socket. */
  maxPayloadBytes: number;
  /** Transport keep-alive: a socket that misses a pong for this long is dropped. */
  pingIntervalMs: number;
}

/**
 * Bytes written to a device and not yet taken by it beyond which the gateway stops reading from it: a
 * device that sends (reports, each answered) but never reads would otherwise grow the gateway's write
 * queue without end. Reading resumes once the queue drains; a device that never reads again misses its
 * pongs and is dropped by the keep-alive.
 */
const MAX_UNREAD_BYTES = 4 * 1024 * 1024;

function wrap(socket: WebSocket, request: IncomingMessage): DeviceSocket {
  // Frames sent in one turn of the event loop (the acks of a batch of inbound messages, a burst of
  // sends) leave in one write to the network, not one system call each.
  const stream = request.socket;
  let isCorked = false;
  const uncork = () => {
    isCorked = false;
    stream.uncork();
  };
  const resume = () => {
    if (socket.readyState === socket.OPEN) socket.resume();
  };
  return {
    remoteAddress: request.socket.remoteAddress ?? '',
    send: (text) => {
      if (socket.readyState !== socket.OPEN) return;
      if (!isCorked) {
        isCorked = true;
        stream.cork();
        process.nextTick(uncork);
      }
      socket.send(text);
      if (stream.writableLength > MAX_UNREAD_BYTES && !socket.isPaused) {
        socket.pause();
        stream.once('drain', resume);
      }
    },
    close: (code, reason) => socket.close(code, reason),
    terminate: () => socket.terminate(),
    onText: (handler) => socket.on('message', (data, isBinary) => handler(isBinary ? Buffer.alloc(0) : (data as Buffer))),
    onClose: (handler) => socket.on('close', handler),
  };
}

export class WebSocketEndpoint {
  private readonly server: WebSocketServer;
  private readonly alive = new WeakSet<WebSocket>();
  private readonly timer: NodeJS.Timeout;

  constructor(httpServer: Server, settings: SocketServerSettings, onConnection: (socket: DeviceSocket) => void) {
    this.server = new WebSocketServer({ noServer: true, maxPayload: settings.maxPayloadBytes, perMessageDeflate: false });
    httpServer.on('upgrade', (request: IncomingMessage, stream: Duplex, head: Buffer) => {
      // Node hands an upgrade over with no 'error' listener of its own: a client that resets the connection
      // while the gateway answers (a wrong path, the handshake) would otherwise end the process.
      stream.on('error', () => stream.destroy());
      const path = (request.url ?? '').split('?')[0];
      const isWebSocket = (request.headers.upgrade ?? '').toLowerCase() === 'websocket';
      if (path !== settings.path || !isWebSocket) {
        // Not the device socket: served as the HTTP request it also is (a 404 in the Picky shape, an
        // endpoint's answer for `curl --http2`).
        replayWithoutUpgrade(httpServer, request, stream, head);
        return;
      }
      this.server.handleUpgrade(request, stream, head, (socket) => {
        this.alive.add(socket);
        socket.on('pong', () => this.alive.add(socket));
        // A device can send anything; a socket error must end that socket only.
        socket.on('error', () => socket.terminate());
        onConnection(wrap(socket, request));
      });
    });
    this.timer = setInterval(() => {
      for (const socket of this.server.clients) {
        if (!this.alive.has(socket)) socket.terminate();
        else {
          this.alive.delete(socket);
          socket.ping();
        }
      }
    }, settings.pingIntervalMs);
    this.timer.unref();
  }

  get connectionCount(): number {
    return this.server.clients.size;
  }

  close(): void {
    clearInterval(this.timer);
    for (const socket of this.server.clients) socket.terminate();
    this.server.close();
  }
}
