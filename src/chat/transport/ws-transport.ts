// The WebSocket side: upgrade (behind the connection cap and the per-address limits), frame and
// rate limits, backpressure, heartbeat, login timeout and shutdown. Text frames go to the hub as
// strings; everything the hub says goes out through Connection.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData } from 'ws';
import { addressKey, clientAddress } from '../limits/address-key.js';
import type { AddressLedger } from '../limits/address-ledger.js';
import type { LimitStats } from '../ops/limit-metrics.js';
import { DEFAULT_SERVER_TIMEOUTS, type ServerTimeouts } from './server-timeouts.js';
import { refuseUpgrade, type SocketCap } from './socket-cap.js';
import { ChatWebSocket, type WsEventSink } from './chat-websocket.js';
import type { Hub } from '../hub/hub.js';
import type { HubLogger } from '../hub/link.js';
import { protocolError } from '../protocol/errors.js';
import { Connection, type ConnectionContext, type ConnectionLimits } from './connection.js';
import { Heartbeat } from './heartbeat.js';
import { closeServer, listen } from './listen.js';
import { originCheck } from './origin.js';
import { createWebServer, type TlsFiles } from './tls.js';
import { FrameCache } from './outgoing-frame.js';
import { WriteBatch } from './write-batch.js';
import { CLOSE } from '../../shared/websocket-framing.js';

export interface WsTransportOptions extends ConnectionLimits {
  host: string;
  port: number;
  /** Largest frame (message) accepted, in bytes; larger ones close the connection with 1009. */
  maxFrame: number;
  pingIntervalMs: number;
  idleTimeoutMs: number;
  /** Serve wss:// with this certificate and key. */
  tls?: TlsFiles;
  /** Origins allowed to upgrade (others get 403); undefined: any. */
  allowOrigins?: string[];
  logger: HubLogger & { warn(obj: object, msg?: string): void; isLevelEnabled?(level: string): boolean };
  /** Header, request, keep-alive and TLS handshake timeouts of the port's HTTP server. */
  timeouts?: ServerTimeouts;
  /** Connections not logged in this long after opening are closed (4408); 0: never. */
  loginTimeoutMs?: number;
  /** The process's connection cap, shared with the web port. */
  socketCap?: SocketCap;
  /** Per-address connection caps and message budget. */
  ledger?: AddressLedger;
  /** Reverse proxies whose X-Forwarded-For names the client (per-address limits only). */
  trustProxy?: ReadonlySet<string>;
}

/** Connections the server closed for abuse, since it started (for logs and metrics). */
export interface TransportCounters {
  slowConsumers: number;
  rateLimited: number;
  loginTimeouts: number;
  addressRateLimited: number;
  /** Upgrades refused, by code. */
  refused: Map<string, number>;
}

export class WsTransport implements WsEventSink<Connection> {
  readonly connections = new Set<Connection>();
  readonly counters: TransportCounters = {
    slowConsumers: 0,
    rateLimited: 0,
    loginTimeouts: 0,
    addressRateLimited: 0,
    refused: new Map(),
  };
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly context: ConnectionContext;
  private heartbeat: Heartbeat | undefined;
  private closing = false;
  port = 0;

  constructor(
    private readonly hub: Hub,
    private readonly options: WsTransportOptions,
  ) {
    const frames = new FrameCache();
    const batch = new WriteBatch<Connection>();
    batch.afterFlush = () => frames.clear();
    this.context = {
      limits: { rate: options.rate, maxBuffered: options.maxBuffered },
      frames,
      batch,
      slow: (conn) => this.cutOff(conn, 'SLOW_CONSUMER', CLOSE.TRY_AGAIN_LATER, 'too slow to keep up'),
    };
    this.http = createWebServer(
      options.tls,
      (req, res) => {
        res.shouldKeepAlive = false;
        if (options.socketCap?.refuses(req.socket)) {
          options.socketCap.refusedOne();
          res.writeHead(503, { 'content-type': 'text/plain', connection: 'close', 'retry-after': '5' });
          return void res.end('the server is full, try again later\n');
        }
        res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket', connection: 'close' });
        res.end('this port speaks WebSocket; the chat page is on the web port\n');
      },
      options.timeouts ?? DEFAULT_SERVER_TIMEOUTS,
    );
    options.socketCap?.watch(this.http, options.tls !== undefined);
    // No permessage-deflate: compressing each copy would undo "frame once, send to everyone".
    // clientTracking off: `connections` already holds every socket, one Set is enough at 100k users.
    // noServer: upgrades pass the connection cap and the address ledger first (upgrade()).
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: options.maxFrame,
      perMessageDeflate: false,
      clientTracking: false,
      WebSocket: ChatWebSocket,
      ...(options.allowOrigins ? { verifyClient: originCheck(options.allowOrigins) } : {}),
    });
    this.http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(req, socket, head),
    );
    // A failed listen is reported by start() as one line; later errors (accept failing) are logged.
    this.http.on('error', (err) => {
      if (this.port !== 0) options.logger.warn({ err }, 'websocket server error');
    });
  }

  /** The limits' numbers for /metrics. */
  limitStats(): LimitStats {
    const cap = this.options.socketCap;
    return {
      sockets: cap?.open ?? 0,
      socketCap: cap?.cap ?? 0,
      // Refusals at the cap are counted by the cap (both ports); the address limits' here.
      refused: [
        ...(cap ? [['SERVER_FULL', cap.refusals] as [string, number]] : []),
        ...this.counters.refused,
      ],
      loginTimeouts: this.counters.loginTimeouts,
      addressRateLimited: this.counters.addressRateLimited,
    };
  }

  private count(code: string): void {
    this.counters.refused.set(code, (this.counters.refused.get(code) ?? 0) + 1);
  }

  /** An upgrade request: refused past the connection cap or an address's caps, else a WebSocket. */
  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const { socketCap, ledger, logger } = this.options;
    if (this.closing) return refuseUpgrade(socket, 503, 'SHUTTING_DOWN', 'the server is shutting down');
    if (socketCap?.refuses(socket)) {
      socketCap.refusedOne();
      return refuseUpgrade(socket, 503, 'SERVER_FULL', 'the server is full, try again later');
    }
    // The socket's own address: X-Forwarded-For is the client's to write, unless the socket comes
    // from a proxy the operator named (--trust-proxy).
    const address = ledger
      ? addressKey(
          clientAddress(req.socket.remoteAddress, req.headers['x-forwarded-for'], this.options.trustProxy),
        )
      : '';
    if (ledger) {
      const verdict = ledger.open(address, Date.now());
      if (verdict !== 'ok') {
        this.count(verdict);
        logger.debug({ address, code: verdict }, 'connection refused');
        return refuseUpgrade(socket, 429, verdict, 'too many connections from your address');
      }
    }
    let accepted = false;
    let released = false;
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      // ws answers synchronously here; if it ever did not, the slot was released: take it again.
      if (released && ledger) ledger.open(address, Date.now());
      accepted = true;
      this.accept(ws as ChatWebSocket<Connection>, address, req);
    });
    // A handshake ws refused (bad headers, origin) holds no slot.
    if (!accepted && ledger) {
      released = true;
      ledger.release(address);
    }
  }

  async start(): Promise<number> {
    this.port = await listen(this.http, this.options.port, this.options.host, 'WebSocket');
    this.heartbeat = new Heartbeat({
      pingIntervalMs: this.options.pingIntervalMs,
      idleTimeoutMs: this.options.idleTimeoutMs,
      connections: this.connections,
      ping: (conn) => {
        conn.ws.ping();
        const frame = this.hub.heartbeat(conn.session);
        if (frame) conn.send(frame);
      },
      evict: (conn) => {
        this.options.logger.info({ user: conn.session.id }, 'idle connection closed');
        conn.evictedIdle = true;
        this.hub.disconnect(conn.session, 'idle');
        conn.close(CLOSE.GOING_AWAY, 'idle timeout');
      },
      loginTimeoutMs: this.options.loginTimeoutMs ?? 0,
      loginExpired: (conn) => {
        this.counters.loginTimeouts++;
        this.options.logger.info(
          { user: conn.session.id, code: 'LOGIN_TIMEOUT' },
          'no login in time, closed',
        );
        this.hub.reject(conn.session, protocolError('LOGIN_TIMEOUT', 'log in sooner after connecting'));
        conn.close(CLOSE.LOGIN_TIMEOUT, 'login timeout');
      },
    });
    return this.port;
  }

  /**
   * Closes every client with 1001 and stops, in a bounded time even under load: the close frames
   * are written first, all of them, before anything else (what was queued for them is dropped);
   * from then on their messages are read but ignored (never counted against the rate: reading
   * is what lets each close handshake finish and its socket close cleanly); after `graceMs` the
   * sockets still open are destroyed.
   */
  async close(graceMs = 2000): Promise<void> {
    this.closing = true;
    this.heartbeat?.stop();
    this.hub.beginShutdown();
    const open = [...this.connections];
    for (const conn of open) conn.closeFirst(CLOSE.GOING_AWAY, 'server shutting down');
    this.options.logger.info(
      { connections: open.length },
      'shutting down: every client sent its close frame',
    );
    let left = open.filter((conn) => conn.ws.readyState !== conn.ws.CLOSED).length;
    if (left > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, graceMs);
        this.allClosed = () => {
          if (--left > 0) return;
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.allClosed = undefined;
    if (this.connections.size > 0)
      this.options.logger.warn(
        { connections: this.connections.size, graceMs },
        'shutting down: closing the connections that did not finish their close handshake in time',
      );
    for (const conn of this.connections) conn.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await closeServer(this.http);
  }

  /** Counts closes while shutting down (one callback, not one listener per socket). */
  private allClosed: (() => void) | undefined;

  private accept(ws: ChatWebSocket<Connection>, address: string, req: IncomingMessage): void {
    const conn = new Connection(ws, Date.now(), this.context);
    conn.address = address;
    conn.session = this.hub.connect(conn);
    this.connections.add(conn);
    // The raw address only when it is logged: reading it makes Node keep a copy per socket.
    if (this.options.logger.isLevelEnabled?.('info') !== false)
      this.options.logger.info(
        { user: conn.session.id, address: req.socket.remoteAddress ?? '' },
        'connected',
      );
    // Events come straight here (see chat-websocket.ts), no listeners per connection.
    ws.conn = conn;
    ws.sink = this;
  }

  onPong(conn: Connection): void {
    conn.lastSeen = Date.now();
  }

  /** ws has already answered a bad frame with its close code (1009 too large, 1002/1007 bad frames). */
  protocolViolation(conn: Connection, err: Error & { code?: string }): void {
    const code = err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'FRAME_TOO_LARGE' : err.code;
    this.options.logger.info({ user: conn.session.id, code }, 'protocol violation, connection closed');
  }

  closed(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    this.options.ledger?.release(conn.address);
    this.allClosed?.();
    this.hub.disconnect(conn.session, conn.evictedIdle ? 'idle' : 'close');
    this.options.logger.info({ user: conn.session.id }, 'disconnected');
  }

  onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    const now = Date.now();
    conn.lastSeen = now;
    if (conn.closingSince !== 0) return;
    if (!conn.take(now)) {
      this.cutOff(conn, 'RATE_LIMITED', CLOSE.POLICY_VIOLATION, 'too many messages');
      return;
    }
    // The address's budget, over all its connections: this message is refused, the connection
    // stays (others behind the same address may be innocent).
    if (this.options.ledger && !this.options.ledger.message(conn.address, now)) {
      this.counters.addressRateLimited++;
      this.hub.reject(
        conn.session,
        protocolError('ADDRESS_RATE_LIMITED', 'too many messages from your address; this one was dropped'),
      );
      return;
    }
    if (isBinary) {
      this.hub.reject(conn.session, protocolError('BINARY_NOT_SUPPORTED', 'send text frames holding JSON'));
      return;
    }
    this.hub.receive(conn.session, data.toString());
  }

  /** Closes a connection for abuse, telling the client why first (when it can still hear it). */
  private cutOff(
    conn: Connection,
    code: 'RATE_LIMITED' | 'SLOW_CONSUMER',
    closeCode: number,
    why: string,
  ): void {
    if (conn.closingSince !== 0) return;
    if (code === 'SLOW_CONSUMER') this.counters.slowConsumers++;
    else this.counters.rateLimited++;
    this.options.logger.warn({ user: conn.session.id, code, ...this.counters }, 'connection cut off');
    if (code === 'RATE_LIMITED') this.hub.reject(conn.session, protocolError(code, why));
    else conn.dropPending(); // it is not reading: what is queued would only wait in memory
    conn.close(closeCode, why);
  }
}
