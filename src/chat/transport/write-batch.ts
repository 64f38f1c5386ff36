// Coalesced writes: frames for a connection are queued during an event-loop turn and written in
// ONE socket write per connection when the turn's I/O is done (setImmediate runs after every
// socket read of the poll phase, so the broadcasts of many senders share one write per client).
// Frames are complete WebSocket frames, and each write holds whole frames only, so ws's own
// writes on the same socket (pings, close frames) can never land inside one of ours.
import type { Socket } from 'node:net';

export interface Writable {
  readonly socket: Socket;
  /** Frames waiting for the next flush: none, one, or several (no array for the common case). */
  pending: Buffer | Buffer[] | undefined;
  pendingBytes: number;
}

/** Past this many queued bytes a connection is written at once: large turns need no large copies. */
const EARLY_FLUSH_BYTES = 64 * 1024;

export class WriteBatch<W extends Writable> {
  private dirty: W[] = [];
  private scheduled = false;
  /** Runs after a flush (the frame cache lets go of what this turn framed). */
  afterFlush: () => void = () => {};

  queue(w: W, frame: Buffer): void {
    const pending = w.pending;
    if (pending === undefined) {
      w.pending = frame;
      this.dirty.push(w);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(this.flush);
      }
    } else if (Array.isArray(pending)) {
      pending.push(frame);
    } else {
      w.pending = [pending, frame];
    }
    w.pendingBytes += frame.length;
    // Also keeps the slow-consumer check honest: queued bytes reach the socket (and count in its
    // writableLength once the kernel refuses them) instead of waiting for the end of a long turn.
    if (w.pendingBytes >= EARLY_FLUSH_BYTES) this.flushOne(w);
  }

  /** Writes one connection's queued frames now (before a close frame, so they go out first). */
  flushOne(w: W): void {
    const pending = w.pending;
    if (pending === undefined) return;
    w.pending = undefined;
    const bytes = w.pendingBytes;
    w.pendingBytes = 0;
    if (w.socket.destroyed || !w.socket.writable) return;
    w.socket.write(Array.isArray(pending) ? Buffer.concat(pending, bytes) : pending);
  }

  readonly flush = (): void => {
    this.scheduled = false;
    const list = this.dirty;
    this.dirty = [];
    for (let i = 0; i < list.length; i++) this.flushOne(list[i]!);
    this.afterFlush();
  };
}
