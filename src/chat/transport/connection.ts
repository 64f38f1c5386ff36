// One WebSocket connection: the hub's Link plus the few numbers the transport needs (last
// activity for the heartbeat, a token bucket for the rate limit). No timers, no closures of its
// own: one heartbeat interval serves every connection.
import { WebSocket } from 'ws';
import type { Session } from '../hub/session.js';
import type { Link } from '../hub/link.js';

export interface ConnectionLimits {
  /** Messages per second allowed on average; bursts up to twice that. */
  rate: number;
  /** Bytes queued for a client past which it is a slow consumer and is cut off. */
  maxBuffered: number;
}

export class Connection implements Link {
  session!: Session;
  lastSeen: number;
  lastPing = 0;
  tokens: number;
  tokensAt: number;
  /** When the server decided to close it (idle, limit, shutdown); terminated if it lingers. */
  closingSince = 0;
  /** Why the server closed it, for the hub's logout reason. */
  evictedIdle = false;
  onSlow: (conn: Connection) => void = () => {};

  constructor(
    readonly ws: WebSocket,
    now: number,
    private readonly limits: ConnectionLimits,
  ) {
    this.lastSeen = now;
    this.tokens = limits.rate * 2;
    this.tokensAt = now;
  }

  send(frame: Buffer): void {
    if (this.ws.readyState !== WebSocket.OPEN) return;
    if (this.ws.bufferedAmount > this.limits.maxBuffered) {
      this.onSlow(this);
      return;
    }
    this.ws.send(frame, { binary: false });
  }

  close(code: number, reason: string): void {
    if (this.closingSince === 0) this.closingSince = Date.now();
    this.ws.close(code, reason);
  }

  /** Takes one token; false when the client sends faster than its rate allows. */
  take(now: number): boolean {
    const rate = this.limits.rate;
    this.tokens = Math.min(rate * 2, this.tokens + ((now - this.tokensAt) / 1000) * rate);
    this.tokensAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
