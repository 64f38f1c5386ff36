// Test support: a real `ws` server and client talking through a TCP proxy that records every
// byte each way, in order, with the chunking the sockets delivered.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { WebSocketServer, WebSocket, type PerMessageDeflateOptions } from 'ws';
import type { Side } from '../../wire/events.js';

export interface TappedChunk {
  from: Side;
  bytes: Buffer;
}

export interface TapSession {
  url: string;
  chunks: TappedChunk[];
  /** Opens a client through the proxy. */
  client(deflate: boolean | PerMessageDeflateOptions, protocols?: string[]): Promise<WebSocket>;
  close(): Promise<void>;
}

/** Starts an echo server (text echoed as text, binary as binary) behind a recording proxy. */
export async function startTappedEcho(
  serverDeflate: boolean | PerMessageDeflateOptions,
): Promise<TapSession> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: serverDeflate });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (socket) => {
    socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary }));
    socket.on('ping', (data) => socket.pong(data));
  });
  const serverPort = (wss.address() as { port: number }).port;
  const chunks: TappedChunk[] = [];
  const sockets: Socket[] = [];
  const proxy: Server = createServer((downstream) => {
    const upstream = connect(serverPort, '127.0.0.1');
    sockets.push(downstream, upstream);
    downstream.on('data', (bytes) => {
      chunks.push({ from: 'client', bytes: Buffer.from(bytes) });
      upstream.write(bytes);
    });
    upstream.on('data', (bytes) => {
      chunks.push({ from: 'server', bytes: Buffer.from(bytes) });
      downstream.write(bytes);
    });
    downstream.on('close', () => upstream.destroy());
    upstream.on('close', () => downstream.destroy());
    downstream.on('error', () => upstream.destroy());
    upstream.on('error', () => downstream.destroy());
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
  const url = `ws://127.0.0.1:${(proxy.address() as { port: number }).port}/`;
  return {
    url,
    chunks,
    client(deflate, protocols) {
      const socket = new WebSocket(url, protocols ?? [], { perMessageDeflate: deflate });
      return new Promise((resolve, reject) => {
        socket.once('open', () => resolve(socket));
        socket.once('error', reject);
      });
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

/** Sends each message and waits for its echo, in order. */
export async function echoAll(socket: WebSocket, sends: Array<() => void>): Promise<void> {
  for (const send of sends) {
    const echoed = new Promise<void>((resolve) => socket.once('message', () => resolve()));
    send();
    await echoed;
  }
}

/** Closes a client and waits until the close handshake is over. */
export function closeClient(socket: WebSocket, code = 1000, reason = ''): Promise<void> {
  return new Promise((resolve) => {
    socket.once('close', () => resolve());
    socket.close(code, reason);
  });
}
