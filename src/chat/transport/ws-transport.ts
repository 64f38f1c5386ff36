// The WebSocket side: upgrade, frame and rate limits, backpressure, heartbeat and shutdown.
// Text frames go to the hub as strings; everything the hub says goes out through Connection.
import type { Server } from 'node:http';
import { WebSocketServer, type RawData } from 'ws';
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
}

export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_POLICY = 1008;
export const CLOSE_TOO_BIG = 1009;
export const CLOSE_TRY_AGAIN = 1013;

/** Connections the server closed for abuse, since it started (for logs and metrics). */
export interface TransportCounters {
  slowConsumers: number;
  rateLimited: number;
}

export class WsTransport implements WsEventSink<Connection> {
  readonly connections = new Set<Connection>();
  readonly counters: TransportCounters = { slowConsumers: 0, rateLimited: 0 };
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly context: ConnectionContext;
  private heartbeat: Heartbeat | undefined;
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
      slow: (conn) => this.cutOff(conn, 'SLOW_CONSUMER', CLOSE_TRY_AGAIN, 'too slow to keep up'),
    };
    this.http = createWebServer(options.tls, (_req, res) => {
      res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
      res.end('this port speaks WebSocket; the chat page is on the web port\n');
    });
    // No permessage-deflate: compressing each copy would undo "frame once, send to everyone".
    // clientTracking off: `connections` already holds every socket, one Set is enough at 100k users.
    this.wss = new WebSocketServer({
      server: this.http,
      maxPayload: options.maxFrame,
      perMessageDeflate: false,
      clientTracking: false,
      WebSocket: ChatWebSocket,
      ...(options.allowOrigins ? { verifyClient: originCheck(options.allowOrigins) } : {}),
    });
    // The address only when it is logged: reading it makes Node keep a copy per socket.
    this.wss.on('connection', (ws: ChatWebSocket<Connection>, req) =>
      this.accept(
        ws,
        options.logger.isLevelEnabled?.('info') === false ? '' : (req.socket.remoteAddress ?? ''),
      ),
    );
    // ws re-emits the HTTP server's errors; a failed listen is reported by start() as one line.
    this.wss.on('error', (err) => {
      if (this.port !== 0) options.logger.warn({ err }, 'websocket server error');
    });
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
        conn.close(CLOSE_GOING_AWAY, 'idle timeout');
      },
    });
    return this.port;
  }

  /** Closes every client with 1001, waits a little for their close frames, then stops. */
  async close(graceMs = 2000): Promise<void> {
    this.heartbeat?.stop();
    this.hub.beginShutdown();
    const closed = [...this.connections].map(
      (conn) =>
        new Promise<void>((resolve) => {
          conn.ws.once('close', () => resolve());
          conn.close(CLOSE_GOING_AWAY, 'server shutting down');
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closed), new Promise<void>((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    for (const conn of this.connections) conn.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await closeServer(this.http);
  }

  private accept(ws: ChatWebSocket<Connection>, address: string): void {
    const conn = new Connection(ws, Date.now(), this.context);
    conn.session = this.hub.connect(conn);
    this.connections.add(conn);
    this.options.logger.info({ user: conn.session.id, address }, 'connected');
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
    this.connections.delete(conn);
    this.hub.disconnect(conn.session, conn.evictedIdle ? 'idle' : 'close');
    this.options.logger.info({ user: conn.session.id }, 'disconnected');
  }

  onMessage(conn: Connection, data: RawData, isBinary: boolean): void {
    const now = Date.now();
    conn.lastSeen = now;
    if (conn.closingSince !== 0) return;
    if (!conn.take(now)) {
      this.cutOff(conn, 'RATE_LIMITED', CLOSE_POLICY, 'too many messages');
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
