// The ceiling of the end-to-end benchmark, in its own process: a raw WebSocket server that echoes every
// message back on the same connection.
import { WebSocketServer } from 'ws';

const server = new WebSocketServer({ port: Number(process.argv[2] ?? 0), host: '127.0.0.1', perMessageDeflate: false });
server.on('connection', (socket) => socket.on('message', (data) => socket.send(data, { binary: false })));
server.on('listening', () => process.stdout.write(`${JSON.stringify({ ready: true, port: server.address().port, pid: process.pid })}\n`));
