// A WebSocket client on a raw TCP socket with a hand-written upgrade, so thousands of them cost
// little: no per-frame objects, no JSON, no event emitter per message.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { FrameReader, type FrameHandler } from './frame-reader.js';
import { acceptKey, newClientKey, encodeClientFrame, OP_CLOSE, OP_PING, OP_PONG } from './ws-frames.js';

/** Stable codes for why a client could not connect or was closed. */
export type ClientErrorCode =
  | 'TARGET_UNREACHABLE'
  | 'CONNECT_TIMEOUT'
  | 'UPGRADE_REJECTED'
  | 'BAD_HANDSHAKE'
  | 'TOO_MANY_OPEN_FILES'
  | 'OUT_OF_LOCAL_PORTS'
  | 'CONNECTION_RESET'
  | 'SOCKET_ERROR'
  | 'PROTOCOL_ERROR';

export class ClientError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function codeOfSocketError(err: NodeJS.ErrnoException): ClientErrorCode {
  switch (err.code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'TARGET_UNREACHABLE';
    case 'EMFILE':
    case 'ENFILE':
      return 'TOO_MANY_OPEN_FILES';
    case 'EADDRNOTAVAIL':
    case 'EADDRINUSE':
      return 'OUT_OF_LOCAL_PORTS';
    case 'ECONNRESET':
    case 'EPIPE':
      return 'CONNECTION_RESET';
    default:
      return 'SOCKET_ERROR';
  }
}

export interface TargetUrl {
  secure: boolean;
  host: string;
  port: number;
  path: string;
}

/** Parses ws:// or wss:// URLs; anything else is undefined. */
export function parseTargetUrl(url: string): TargetUrl | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') return undefined;
  const secure = parsed.protocol === 'wss:';
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = parsed.port ? Number(parsed.port) : secure ? 443 : 80;
  return { secure, host, port, path: (parsed.pathname || '/') + parsed.search };
}

const MAX_HANDSHAKE = 16 * 1024;
const MAX_MESSAGE = 64 * 1024 * 1024;

export interface RawClientOptions {
  target: TargetUrl;
  /** Source address to connect from (spreads many sockets over several loopback addresses). */
  localAddress?: string;
  timeoutMs: number;
}

/**
 * One connection. `onMessage` receives every text/binary message as a view; pings are answered
 * here. `onClose` fires once, with an error code when the close was not asked for by us.
 */
export class RawWsClient {
  private socket: Socket | null = null;
  private reader: FrameReader;
  private closing = false;
  private closed = false;
  onMessage: FrameHandler = () => {};
  /** Why the connection ended: null when we closed it; SERVER_CLOSED_<status> for a close frame. */
  onClose: (code: string | null) => void = () => {};

  constructor(private readonly options: RawClientOptions) {
    this.reader = new FrameReader({ masked: false, maxMessage: MAX_MESSAGE }, (op, buf, start, end) =>
      this.frame(op, buf, start, end),
    );
  }

  /** Connects and upgrades; rejects with a ClientError. */
  open(): Promise<void> {
    const { target, localAddress, timeoutMs } = this.options;
    return new Promise((resolve, reject) => {
      const connectOptions = {
        host: target.host,
        port: target.port,
        ...(localAddress ? { localAddress } : {}),
      };
      const socket = target.secure
        ? tlsConnect({ ...connectOptions, servername: target.host, rejectUnauthorized: false })
        : netConnect(connectOptions);
      this.socket = socket;
      socket.setNoDelay(true);
      const key = newClientKey();
      let head: Buffer = Buffer.alloc(0);
      let settled = false;
      const fail = (err: ClientError): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.closed = true;
        socket.destroy();
        reject(err);
      };
      const timer = setTimeout(
        () => fail(new ClientError('CONNECT_TIMEOUT', `no WebSocket upgrade within ${timeoutMs} ms`)),
        timeoutMs,
      );
      const onData = (chunk: Buffer): void => {
        head = head.length ? Buffer.concat([head, chunk]) : chunk;
        const endOfHead = head.indexOf('\r\n\r\n');
        if (endOfHead < 0) {
          if (head.length > MAX_HANDSHAKE)
            fail(new ClientError('BAD_HANDSHAKE', 'handshake response too long'));
          return;
        }
        const text = head.subarray(0, endOfHead).toString('latin1');
        const status = /^HTTP\/1\.1 (\d{3})/.exec(text);
        if (!status || status[1] !== '101') {
          const line = text.split('\r\n')[0] ?? '';
          fail(new ClientError('UPGRADE_REJECTED', `server answered '${line.slice(0, 80)}' instead of 101`));
          return;
        }
        const accept = /\r\nsec-websocket-accept:\s*(\S+)/i.exec(text);
        if (!accept || accept[1] !== acceptKey(key)) {
          fail(new ClientError('BAD_HANDSHAKE', 'wrong or missing Sec-WebSocket-Accept'));
          return;
        }
        settled = true;
        clearTimeout(timer);
        socket.off('data', onData);
        socket.on('data', (data: Buffer) => this.data(data));
        const rest = head.subarray(endOfHead + 4);
        resolve();
        if (rest.length) this.data(rest);
      };
      socket.on('data', onData);
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (!settled) fail(new ClientError(codeOfSocketError(err), err.message));
        else this.finish(codeOfSocketError(err));
      });
      socket.on('close', () => {
        if (!settled) fail(new ClientError('CONNECTION_RESET', 'closed during the handshake'));
        else this.finish(this.closing ? null : 'SERVER_CLOSED');
      });
      const hostHeader = target.host.includes(':') ? `[${target.host}]` : target.host;
      socket.write(
        `GET ${target.path} HTTP/1.1\r\nHost: ${hostHeader}:${target.port}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
  }

  private data(chunk: Buffer): void {
    if (this.reader.push(chunk)) {
      this.finish('PROTOCOL_ERROR');
      this.socket?.destroy();
    }
  }

  private frame(opcode: number, buf: Buffer, start: number, end: number): void {
    if (opcode === OP_PING) {
      this.send(encodeClientFrame(Buffer.from(buf.subarray(start, end)), OP_PONG));
    } else if (opcode === OP_CLOSE) {
      if (!this.closing) {
        const status = end - start >= 2 ? buf.readUInt16BE(start) : 1005;
        this.send(encodeClientFrame(Buffer.from(buf.subarray(start, Math.min(end, start + 2))), OP_CLOSE));
        this.finish(`SERVER_CLOSED_${status}`);
        this.socket?.end();
      }
    } else if (opcode !== OP_PONG) {
      this.onMessage(opcode, buf, start, end);
    }
  }

  send(frame: Buffer): void {
    if (!this.closed && this.socket) this.socket.write(frame);
  }

  /** Bytes queued in user space, not yet handed to the kernel. */
  get buffered(): number {
    return this.socket?.writableLength ?? 0;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  private finish(code: string | null): void {
    if (this.closed) return;
    this.closed = true;
    this.onClose(code);
  }

  /** Sends a close frame and ends the socket; a stuck peer is destroyed after a short wait. */
  close(): void {
    if (this.closed) {
      this.socket?.destroy();
      return;
    }
    this.closing = true;
    const status = Buffer.from([0x03, 0xe8]);
    this.socket?.write(encodeClientFrame(status, OP_CLOSE));
    this.socket?.end();
    const socket = this.socket;
    setTimeout(() => socket?.destroy(), 1000).unref();
    this.finish(null);
  }
}
