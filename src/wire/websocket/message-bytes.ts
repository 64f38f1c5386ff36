// The bytes of a message being assembled from fragments (and packets). One chunk is kept as it
// is; from the second on (or from the first, when its frame says more is coming), the bytes go
// into one buffer, made with room for the rest of the frame, that doubles when full. A message
// of a million one-byte fragments then costs about its bytes, not a Buffer object per fragment
// (~140 bytes each), and joining it at the end is free.

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
    if (chunk.length === 0) return;
    const ahead =
      expected > chunk.length
        ? Math.min(expected - chunk.length, MAX_AHEAD, AHEAD_FACTOR * (this.len + chunk.length))
        : 0;
    if (this.buf === null && this.single === null) {
      if (ahead === 0) {
        this.single = stable ? chunk : Buffer.from(chunk);
        this.len = chunk.length;
        return;
      }
      this.buf = Buffer.allocUnsafe(Math.max(chunk.length + ahead, FIRST_GROWTH));
      chunk.copy(this.buf, 0);
      this.len = chunk.length;
      return;
    }
    const need = this.len + chunk.length;
    if (this.buf === null || need > this.buf.length) {
      const grown = Buffer.allocUnsafe(Math.max(need + ahead, FIRST_GROWTH, (this.buf?.length ?? 0) * 2));
      if (this.buf !== null) this.buf.copy(grown, 0, 0, this.len);
      else this.single!.copy(grown, 0);
      this.buf = grown;
      this.single = null;
    }
    chunk.copy(this.buf, this.len);
    this.len = need;
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
