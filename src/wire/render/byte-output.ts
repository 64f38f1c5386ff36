// An output buffer for views that write a lot of text (jsonl): pieces are encoded straight into
// a Buffer and handed out in blocks of about `blockSize` bytes. Building one big JS string per
// batch instead costs a rope flatten, a copy to two-byte form as soon as one non-Latin-1
// character appears, and a UTF-8 encode of the whole thing on write; here each piece is encoded
// once, into its final place.

/** Bytes ≥ this share of a block are written as a block of their own rather than copied in. */
const LARGE_PIECE_SHARE = 4;

export class ByteOutput {
  private buf: Buffer;
  private pos = 0;

  constructor(
    /** Receives each filled block; it owns the Buffer (it is never reused). */
    private readonly sink: (block: Buffer) => void,
    private readonly blockSize = 1 << 20,
  ) {
    this.buf = Buffer.allocUnsafe(blockSize);
  }

  /** Bytes waiting in the current block. */
  get pending(): number {
    return this.pos;
  }

  /** Makes room for `bytes` more bytes in the current block (flushing it first if needed). */
  private room(bytes: number): void {
    if (this.buf.length - this.pos >= bytes) return;
    this.flush();
    if (this.buf.length < bytes) this.buf = Buffer.allocUnsafe(bytes);
  }

  /** A string of ASCII characters only (numbers, names, endpoints, JSON punctuation). */
  ascii(s: string): void {
    this.room(s.length);
    this.pos += this.buf.write(s, this.pos, s.length, 'latin1');
  }

  /** Any string, UTF-8 encoded. */
  utf8(s: string): void {
    const max = s.length * 3;
    if (max > this.blockSize / LARGE_PIECE_SHARE) {
      const bytes = Buffer.byteLength(s, 'utf8');
      this.room(Math.min(bytes, this.blockSize));
      if (this.buf.length - this.pos < bytes) {
        this.flush();
        this.sink(Buffer.from(s, 'utf8'));
        return;
      }
    } else this.room(max);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /**
   * Writes a string as a JSON string literal ("…" with escapes), like JSON.stringify(s). Most
   * message text needs no escape at all: it is copied in and checked in place, four bytes at
   * a time, and only rewritten through JSON.stringify when it holds a quote, a backslash or a
   * control character. `s` must be well-formed UTF-16 (text decoded from bytes always is).
   */
  jsonString(s: string): void {
    const max = s.length * 3 + 2;
    if (max > this.blockSize / LARGE_PIECE_SHARE) {
      this.utf8(JSON.stringify(s));
      return;
    }
    this.room(max);
    const buf = this.buf;
    const start = this.pos;
    buf[start] = 0x22;
    const n = buf.write(s, start + 1, 'utf8');
    if (needsEscape(buf, start + 1, start + 1 + n)) {
      this.pos = start;
      this.utf8(JSON.stringify(s));
      return;
    }
    buf[start + 1 + n] = 0x22;
    this.pos = start + n + 2;
  }

  /** Hands out what the current block holds. */
  flush(): void {
    const n = this.pos;
    if (n === 0) return;
    this.pos = 0;
    if (n < this.blockSize >> 3 && this.buf.length === this.blockSize) {
      // A little (a live capture's batch): hand out a copy and keep filling the same block.
      this.sink(Buffer.from(this.buf.subarray(0, n)));
      return;
    }
    const full = this.buf.subarray(0, n);
    this.buf = Buffer.allocUnsafe(this.blockSize);
    this.sink(full);
  }
}

/** Whether bytes [from, to) hold a byte JSON must escape: '"', '\\' or one below 0x20. */
export function needsEscape(buf: Buffer, from: number, to: number): boolean {
  let i = from;
  // Byte by byte up to a 4-byte boundary of the underlying memory, then a word at a time.
  const lead = (4 - ((buf.byteOffset + i) & 3)) & 3;
  for (const stop = Math.min(to, i + lead); i < stop; i++) {
    const c = buf[i]!;
    if (c < 0x20 || c === 0x22 || c === 0x5c) return true;
  }
  const words = (to - i) >> 2;
  if (words > 8) {
    const w = new Uint32Array(buf.buffer, buf.byteOffset + i, words);
    for (let k = 0; k < words; k++) {
      const x = w[k]!;
      // Classic SWAR tests: some byte < 0x20, or equal to 0x22 or 0x5c.
      const q = x ^ 0x22222222;
      const b = x ^ 0x5c5c5c5c;
      if (
        ((x - 0x20202020) & ~x & 0x80808080) |
        ((q - 0x01010101) & ~q & 0x80808080) |
        ((b - 0x01010101) & ~b & 0x80808080)
      )
        return true;
    }
    i += words << 2;
  }
  for (; i < to; i++) {
    const c = buf[i]!;
    if (c < 0x20 || c === 0x22 || c === 0x5c) return true;
  }
  return false;
}
