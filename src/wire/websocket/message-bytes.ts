// The bytes of a message being assembled from fragments (and packets). One chunk is kept as it
// is; from the second on (or from the first, when its frame says more is coming), the bytes go
// into one buffer, made with room for the rest of the frame, that doubles when full. A message
// of a million one-byte fragments then costs about its bytes, not a Buffer object per fragment
// (~140 bytes each), and joining it at the end is free.

import { unmaskRange, unmaskRangeAt } from '../../shared/websocket-framing.js';

const FIRST_GROWTH = 256;
/**
 * Room made beyond a chunk for the rest of its frame (its header tells how much is to come): a
 * frame spread over many packets is then copied about once, not once per doubling. A header may
 * claim far more than ever arrives, so the room is at most AHEAD_FACTOR times the bytes held
 * (as doubling would reach in three steps) and never more than MAX_AHEAD.
 */
const AHEAD_FACTOR = 8;
const MAX_AHEAD = 64 * 1024;

export class MessageBytes {
  private single: Buffer | null = null;
  private buf: Buffer | null = null;
  private len = 0;

  get length(): number {
    return this.len;
  }

  /** Bytes of memory held (what the memory budget is charged). */
  get capacity(): number {
    return this.buf !== null ? this.buf.length : this.single !== null ? this.single.length : 0;
  }

  /**
   * Appends `chunk`; `stable`: it stays valid (otherwise it is copied if kept alone).
   * `expected`: the bytes of its frame still to come, this chunk included (room is made for them).
   */
  push(chunk: Buffer, stable: boolean, expected = chunk.length): void {
    const n = chunk.length;
    if (n === 0) return;
    if (this.buf === null && this.single === null && this.aheadFor(n, expected) === 0) {
      this.single = stable ? chunk : Buffer.from(chunk);
      this.len = n;
      return;
    }
    chunk.copy(this.room(n, expected), this.len);
    this.len += n;
  }

  /**
   * Appends the masked bytes `src[start, end)` unmasked (`key`, `offset`: the mask and the
   * payload position of src[start]), straight into the message's own memory: no scratch copy
   * between the wire and the message. `expected` as for push().
   */
  pushUnmasked(src: Buffer, start: number, end: number, key: number, offset: number, expected: number): void {
    const n = end - start;
    if (n === 0) return;
    if (this.buf === null && this.single === null && this.aheadFor(n, expected) === 0) {
      this.single = unmaskRange(src, start, end, key, offset, Buffer.allocUnsafe(n));
      this.len = n;
      return;
    }
    unmaskRangeAt(src, start, end, key, offset, this.room(n, expected), this.len);
    this.len += n;
  }

  /** Room to make beyond `n` new bytes for the rest of their frame. */
  private aheadFor(n: number, expected: number): number {
    return expected > n ? Math.min(expected - n, MAX_AHEAD, AHEAD_FACTOR * (this.len + n)) : 0;
  }

  /** The buffer, grown (or made) so that `n` more bytes fit after the `len` held. */
  private room(n: number, expected: number): Buffer {
    const ahead = this.aheadFor(n, expected);
    if (this.buf === null && this.single === null) {
      this.buf = Buffer.allocUnsafe(Math.max(n + ahead, FIRST_GROWTH));
      return this.buf;
    }
    const need = this.len + n;
    if (this.buf === null || need > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(need + ahead, FIRST_GROWTH, (this.buf?.length ?? 0) * 2));
      if (this.buf !== null) this.buf.copy(grown, 0, 0, this.len);
      else this.single!.copy(grown, 0);
      this.buf = grown;
      this.single = null;
    }
    return this.buf;
  }

  /** Forgets the bytes (a message ended or was dropped). */
  clear(): void {
    this.single = null;
    this.buf = null;
    this.len = 0;
  }

  /** All the bytes (a view; valid until the next push). */
  bytes(): Buffer {
    if (this.buf !== null) return this.buf.subarray(0, this.len);
    return this.single ?? Buffer.alloc(0);
  }
}
