// The one file that loads `ws` for the agent: opens a client WebSocket and exposes only what the agent
// uses (send text, close, terminate, and the open/message/close/error callbacks). Tests may replace it.
import WebSocket from 'ws';

export interface ConnectionHandlers {
  onOpen(): void;
  onMessage(text: string): void;
  /** Called once, whatever ended the connection (a refused handshake included). */
  onClose(code: number, reason: string): void;
  onError(error: Error): void;
}

export interface WebSocketConnection {
  send(text: string): void;
  /** Closing handshake: frames already sent are flushed first. */
  close(code?: number, reason?: string): void;
  /** Drops the socket at once. */
  terminate(): void;
}

export interface ConnectOptions {
  handshakeTimeoutMs: number;
  maxPayloadBytes: number;
}

export type Connect = (url: string, handlers: ConnectionHandlers, options: ConnectOptions) => WebSocketConnection;

function textOf(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
}

export const openWebSocket: Connect = (url, handlers, options) => {
  const socket = new WebSocket(url, { handshakeTimeout: options.handshakeTimeoutMs, maxPayload: options.maxPayloadBytes, perMessageDeflate: false });
  socket.on('open', () => handlers.onOpen());
  // The protocol carries JSON text frames only; a binary frame is passed on as text too, so that the
  // frame parser reports it rather than this layer dropping it silently.
  socket.on('message', (data) => handlers.onMessage(textOf(data)));
  socket.on('close', (code, reason) => handlers.onClose(code, reason.toString('utf8')));
  socket.on('error', (error) => handlers.onError(error));
  return {
    send(text) {
      if (socket.readyState === WebSocket.OPEN) socket.send(text);
    },
    close(code, reason) {
      if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
      else if (socket.readyState === WebSocket.OPEN) socket.close(code, reason);
    },
    terminate() {
      socket.terminate();
    },
  };
};
