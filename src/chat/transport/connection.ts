// One WebSocket connection: the hub's Link plus the few numbers the transport needs (last
// activity for the heartbeat, a token bucket for the rate limit, frames waiting for this turn's
// write). No timers, no closures of its own: one heartbeat interval serves every connection and
// one shared context (frame cache, write batch, limits) serves every send.
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import type { Session } from '../hub/session.js';
import type { Link } from '../hub/link.js';
import type { FrameCache } from './outgoing-frame.js';
import type { WriteBatch } from './write-batch.js';

export interface ConnectionLimits {
  /** Messages per second allowed on average; bursts up to twice that. */
  rate: number;
  /** Bytes queued for a client past which it is a slow consumer and is cut off. */
  maxBuffered: number;
}

/** What every connection of one transport shares. */
export interface ConnectionContext {
  readonly limits: ConnectionLimits;
  readonly frames: FrameCache;
  readonly batch: WriteBatch<Connection>;
  /** Called once when a client's queued bytes pass the cap; the transport closes it. */
  slow(conn: Connection): void;
}

export class Connection implements Link {
  session!: Session;
  /** When it connected (the login timeout counts from here). */
  readonly openedAt: number;
  /** Its key in the address ledger (addressKey of the socket's remote address). */
  address = '';
  lastSeen: number;
  lastPing = 0;
  tokens: number;
  tokensAt: number;
  /** When the server decided to close it (idle, limit, shutdown); terminated if it lingers. */
  closingSince = 0;
  /** Why the server closed it, for the hub's logout reason. */
  evictedIdle = false;
  pending: Buffer | Buffer[] | undefined = undefined;
  pendingBytes = 0;
  /** The raw TCP socket under ws: our frames are written to it directly (see write-batch.ts). */
  readonly socket: Socket;

  constructor(
    readonly ws: WebSocket,
    now: number,
    private readonly context: ConnectionContext,
  ) {
    this.socket = (ws as unknown as { _socket: Socket })._socket;
    this.openedAt = now;
    this.lastSeen = now;
    this.tokens = context.limits.rate * 2;
    this.tokensAt = now;
  }

  send(payload: Buffer): void {
    if (this.closingSince !== 0 || this.ws.readyState !== WebSocket.OPEN) return;
    const frame = this.context.frames.frame(payload);
    // Bytes the kernel would not take yet plus this turn's queue: past the cap the client is not
    // reading, and keeping on buffering for it would grow memory without bound.
    if (this.socket.writableLength + this.pendingBytes > this.context.limits.maxBuffered) {
      this.context.slow(this);
      return;
    }
    this.context.batch.queue(this, frame);
  }

  close(code: number, reason: string): void {
    if (this.closingSince === 0) this.closingSince = Date.now();
    // What was queued before the close goes out before the close frame.
    this.context.batch.flushOne(this);
    this.ws.close(code, reason);
  }

  /**
   * Shutdown: the close frame goes out now, ahead of what this turn had queued (the frames of a
   * chat that is ending matter less than every client hearing 1001 before its socket is gone).
   */
  closeFirst(code: number, reason: string): void {
    if (this.closingSince === 0) this.closingSince = Date.now();
    this.dropPending();
    this.ws.close(code, reason);
  }

  dropPending(): void {
    this.pending = undefined;
    this.pendingBytes = 0;
  }

  /** Takes one token; false when the client sends faster than its rate allows. */
  take(now: number): boolean {
    const rate = this.context.limits.rate;
    this.tokens = Math.min(rate * 2, this.tokens + ((now - this.tokensAt) / 1000) * rate);
    this.tokensAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}
