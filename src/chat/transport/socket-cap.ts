// The total connection cap of one process, shared by its WebSocket and web ports: every socket
// uses a file descriptor, and once the process's fd limit is reached every new connection on
// either port fails (with no log line). Past the cap new sockets are refused cleanly instead
// (HTTP 503 with `Connection: close`), with one warning when the cap is reached and one line
// when the process is back under it, never one line per refusal.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';

/** The process's soft limit of open files (RLIMIT_NOFILE), or undefined if unknown/unlimited. */
export function openFileLimit(limitsText?: string): number | undefined {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return undefined;
    }
  }
  const soft = /^Max open files\s+(\S+)/m.exec(text)?.[1];
  const n = Number(soft);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/** 90 % of the fd limit: the rest stays for refusing cleanly, log files, Redis and IPC. */
export function defaultSocketCap(limit = openFileLimit()): number {
  return limit === undefined ? 100_000 : Math.max(1, Math.floor(limit * 0.9));
}

export interface SocketCapLogger {
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}

/** How long a refused socket may stay to read its 503 before it is destroyed. */
const REFUSED_GRACE_MS = 2000;

export class SocketCap {
  /** Sockets open on every watched port (refused ones until they close). */
  open = 0;
  /** Connections refused because the cap was reached, since start. */
  refusals = 0;
  private readonly refused = new WeakSet<Duplex>();
  private full = false;
  /** Past this even a 503 costs too much: sockets are destroyed as they are accepted. */
  private readonly hardLimit: number;

  constructor(
    readonly cap: number,
    private readonly logger: SocketCapLogger,
  ) {
    this.hardLimit = cap + Math.max(16, Math.floor(cap / 20));
  }

  /**
   * Counts the server's sockets. Plain HTTP: the socket is classified as it is accepted. TLS:
   * once the handshake is done, on the socket HTTP then reads from (the handshake has its own
   * short timeout).
   */
  watch(server: Server, tls: boolean): void {
    server.on('connection', (socket: Duplex) => {
      this.open++;
      socket.once('close', () => this.closed());
      if (this.open > this.hardLimit) {
        this.refusals++;
        this.reached();
        socket.destroy();
      } else if (!tls) this.classify(socket);
    });
    if (tls) server.on('secureConnection', (socket: Duplex) => this.classify(socket));
  }

  /** True when this request's socket came in over the cap and must be answered 503. */
  refuses(socket: Duplex): boolean {
    return this.refused.has(socket);
  }

  /** Counts one refusal answered with 503. */
  refusedOne(): void {
    this.refusals++;
  }

  private classify(socket: Duplex): void {
    if (this.open <= this.cap) return;
    this.refused.add(socket);
    this.reached();
    (socket as Duplex & { setTimeout(ms: number, cb: () => void): void }).setTimeout(REFUSED_GRACE_MS, () =>
      socket.destroy(),
    );
  }

  private reached(): void {
    if (this.full) return;
    this.full = true;
    this.logger.warn(
      { code: 'SERVER_FULL', cap: this.cap, open: this.open },
      'connection cap reached: new connections are refused (503) until some close',
    );
  }

  private closed(): void {
    this.open--;
    // A little below the cap, so that a server at its cap does not log every close and accept.
    if (this.full && this.open <= this.cap - Math.max(1, Math.floor(this.cap / 20))) {
      this.full = false;
      this.logger.info(
        { cap: this.cap, open: this.open, refusals: this.refusals },
        'connections back under the cap',
      );
    }
  }
}

/** A raw 503/429 answer for an upgrade request that is refused before it becomes a WebSocket. */
export function refuseUpgrade(socket: Duplex, status: 503 | 429, code: string, why: string): void {
  const body = `${why}\n`;
  const reason = status === 503 ? 'Service Unavailable' : 'Too Many Requests';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nRetry-After: 5\r\nX-Wirechat-Code: ${code}\r\n\r\n${body}`,
  );
  socket.once('finish', () => socket.destroy());
}
