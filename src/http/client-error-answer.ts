// Answers what Node's HTTP parser refuses before any route sees it (a request not received in time,
// headers too large, malformed HTTP) in the Picky shape, written straight to the socket as Node requires.
import { PickyError, Status } from '../core/index.js';
import { failure } from './picky-response.js';

interface ClientSocket {
  readonly destroyed: boolean;
  readonly writable: boolean;
  write(data: string): unknown;
  destroy(): void;
}

function refusalOf(error: NodeJS.ErrnoException, requestTimeoutMs: number): { httpStatus: string; detail: string } {
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') return { httpStatus: '408 Request Timeout', detail: `the request was not received whole within ${requestTimeoutMs} ms` };
  if (error.code === 'HPE_HEADER_OVERFLOW') return { httpStatus: '431 Request Header Fields Too Large', detail: 'the request headers are too large' };
  return { httpStatus: '400 Bad Request', detail: 'the request is not valid HTTP' };
}

/** A `clientError` handler: answers once if the socket can still take it, then closes the connection. */
export function clientErrorAnswer(requestTimeoutMs: number) {
  return (error: NodeJS.ErrnoException, socket: ClientSocket): void => {
    // A reset connection has nobody left to answer.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const { httpStatus, detail } = refusalOf(error, requestTimeoutMs);
    const body = JSON.stringify(failure(new PickyError(Status.invalidRequest, detail)));
    if (socket.writable) {
      socket.write(`HTTP/1.1 ${httpStatus}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
    }
    socket.destroy();
  };
}
