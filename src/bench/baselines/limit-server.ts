// The "limit" baseline: what moving chat broadcasts can cost at best in one Node process.
// Raw TCP with a hand-written upgrade; each broadcast is serialised and framed once per dialect;
// each client's pending frames go out in one write per event-loop turn. No chat logic.
import { createServer, type Socket } from 'node:net';
import { FrameReader } from '../frame-reader.js';
import { acceptKey, encodeServerFrame, OP_CLOSE, OP_PING, OP_PONG, OP_TEXT } from '../ws-frames.js';
import {
  createIdSource,
  loginReply,
  readClientMessage,
  sayBroadcast,
  type BaselineServer,
  type BaselineUser,
} from './baseline-chat.js';

const MAX_HANDSHAKE = 8 * 1024;
const MAX_MESSAGE = 64 * 1024;
/** A client this far behind is cut off rather than buffered for without bound. */
const MAX_BUFFERED = 16 * 1024 * 1024;

interface Client {
  socket: Socket;
  user: BaselineUser | null;
  pending: Buffer[];
  pendingBytes: number;
}

export function startLimitServer(options: { host: string; port: number }): Promise<BaselineServer> {
  const nextId = createIdSource();
  const members = new Set<Client>();
  const sockets = new Set<Socket>();
  let dirty: Client[] = [];
  let flushScheduled = false;

  const flush = (): void => {
    flushScheduled = false;
    const list = dirty;
    dirty = [];
    for (const c of list) {
      const data = c.pending.length === 1 ? c.pending[0]! : Buffer.concat(c.pending, c.pendingBytes);
      c.pending = [];
      c.pendingBytes = 0;
      if (c.socket.destroyed) continue;
      c.socket.write(data);
      if (c.socket.writableLength > MAX_BUFFERED) c.socket.destroy();
    }
  };

  const queue = (c: Client, frame: Buffer): void => {
    if (c.pendingBytes === 0) dirty.push(c);
    c.pending.push(frame);
    c.pendingBytes += frame.length;
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  };

  const onText = (c: Client, text: string): void => {
    const action = readClientMessage(text);
    if (action.kind === 'login') {
      c.user = { id: nextId(), name: action.name, dialect: action.dialect };
      members.add(c);
      queue(c, encodeServerFrame(Buffer.from(loginReply(c.user))));
    } else if (action.kind === 'say' && c.user) {
      const from = c.user;
      let seed: Buffer | null = null;
      let workerman: Buffer | null = null;
      for (const m of members) {
        if (m.user!.dialect === 'seed') {
          seed ??= encodeServerFrame(Buffer.from(sayBroadcast('seed', from, action.content)));
          queue(m, seed);
        } else {
          workerman ??= encodeServerFrame(Buffer.from(sayBroadcast('workerman', from, action.content)));
          queue(m, workerman);
        }
      }
    } else if (action.kind === 'pong') {
      queue(c, encodeServerFrame(Buffer.from('{"type":"pong"}')));
    }
  };

  const upgrade = (socket: Socket, head: string): boolean => {
    const key = /\r\nsec-websocket-key:\s*(\S+)/i.exec(head)?.[1];
    if (!/^GET /.test(head) || !key || !/\r\nupgrade:\s*websocket/i.test(head)) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return false;
    }
    socket.write(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`,
    );
    return true;
  };

  const server = createServer((socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    const c: Client = { socket, user: null, pending: [], pendingBytes: 0 };
    const reader = new FrameReader({ masked: true, maxMessage: MAX_MESSAGE }, (opcode, buf, start, end) => {
      if (opcode === OP_TEXT) onText(c, buf.toString('utf8', start, end));
      else if (opcode === OP_PING)
        queue(c, encodeServerFrame(Buffer.from(buf.subarray(start, end)), OP_PONG));
      else if (opcode === OP_CLOSE) socket.end(encodeServerFrame(Buffer.alloc(0), OP_CLOSE));
    });
    let head: Buffer | null = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      if (head === null) {
        if (reader.push(chunk)) socket.destroy();
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > MAX_HANDSHAKE) socket.destroy();
        return;
      }
      const rest = head.subarray(end + 4);
      const ok = upgrade(socket, head.subarray(0, end + 4).toString('latin1'));
      head = null;
      if (ok && rest.length && reader.push(rest)) socket.destroy();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      members.delete(c);
      sockets.delete(socket);
    });
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port, backlog: 4096 }, () => {
      const address = server.address();
      resolve({
        port: typeof address === 'object' && address ? address.port : options.port,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
