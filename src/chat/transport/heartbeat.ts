// The heartbeat: ONE interval for all connections. Each tick looks at every connection's last
// activity: silent for the ping interval → a WebSocket ping frame plus the dialect's
// {"type":"ping"}; silent for the idle timeout → evicted (logout broadcast now, close frame sent,
// socket destroyed on a later tick if the peer never answers the close); not logged in within the
// login timeout → closed (pings and pongs do not count: only a login does).
import type { Connection } from './connection.js';

export interface HeartbeatOptions {
  pingIntervalMs: number;
  idleTimeoutMs: number;
  connections: Iterable<Connection>;
  ping(conn: Connection): void;
  evict(conn: Connection): void;
  /** A connection that has not logged in this long after it opened is handed to `loginExpired`. */
  loginTimeoutMs?: number;
  loginExpired?(conn: Connection): void;
  now?: () => number;
}

/** How long a connection may take to finish a close handshake the server started. */
const CLOSE_GRACE_MS = 2000;
/** Longest pause between two passes, so a deadline of a few seconds is kept to within a second. */
const MAX_TICK_MS = 1000;

export class Heartbeat {
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;
  readonly tickMs: number;

  constructor(private readonly options: HeartbeatOptions) {
    this.now = options.now ?? Date.now;
    // A tick a quarter of the shortest period (at most a second) keeps pings and evictions within
    // 25% of their time; a pass over even 100,000 connections is about a millisecond.
    const shortest = Math.min(
      options.pingIntervalMs,
      options.idleTimeoutMs,
      options.loginTimeoutMs ?? Infinity,
    );
    this.tickMs = Math.max(20, Math.min(shortest / 4, MAX_TICK_MS));
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  /** Whether the login deadline falls before the next tick: closed by the deadline, never after. */
  private loginDue(conn: Connection, now: number, loginTimeoutMs: number): boolean {
    return loginTimeoutMs > 0 && !conn.session.user && now - conn.openedAt + this.tickMs >= loginTimeoutMs;
  }

  tick(): void {
    const now = this.now();
    const { pingIntervalMs, idleTimeoutMs, loginTimeoutMs = 0 } = this.options;
    for (const conn of this.options.connections) {
      if (conn.closingSince !== 0) {
        if (now - conn.closingSince >= Math.min(CLOSE_GRACE_MS, idleTimeoutMs)) conn.ws.terminate();
        continue;
      }
      const silent = now - conn.lastSeen;
      if (this.loginDue(conn, now, loginTimeoutMs)) {
        this.options.loginExpired?.(conn);
      } else if (silent >= idleTimeoutMs) {
        this.options.evict(conn);
      } else if (silent >= pingIntervalMs && now - conn.lastPing >= pingIntervalMs) {
        conn.lastPing = now;
        this.options.ping(conn);
      }
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
