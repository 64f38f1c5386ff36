// The last bytes delivered in one direction, kept so a later retransmission of them can be
// compared with what was delivered (first copy wins; a different copy is an overlap conflict).
// A fixed small ring per direction, allocated on first use: memory stays bounded however many
// bytes pass, and copying into it is cheap next to everything else done per segment.

export type Comparison = 'equal' | 'differ' | 'unknown';

export class HistoryRing {
  private buf: Buffer | null = null;
  /** Valid bytes held (≤ capacity); they end at the stream position the owner tracks. */
  private held = 0;
  /** Where the next byte goes. */
  private pos = 0;

  constructor(private readonly capacity: number) {}

  append(bytes: Buffer): void {
    const cap = this.capacity;
    if (cap === 0 || bytes.length === 0) return;
    if (this.buf === null) this.buf = Buffer.allocUnsafe(cap);
    const buf = this.buf;
    if (bytes.length >= cap) {
      bytes.copy(buf, 0, bytes.length - cap);
      this.pos = 0;
      this.held = cap;
      return;
    }
    const first = Math.min(bytes.length, cap - this.pos);
    // TypedArray set: for the short segments of a chat, far cheaper than Buffer#copy's checks.
    if (first === bytes.length) buf.set(bytes, this.pos);
    else {
      bytes.copy(buf, this.pos, 0, first);
      bytes.copy(buf, 0, first);
    }
    this.pos = (this.pos + bytes.length) % cap;
    this.held = Math.min(cap, this.held + bytes.length);
  }

  /** Bytes before the current position are unknown from now on (after a gap). */
  clear(): void {
    this.held = 0;
  }

  /**
   * Compares `bytes` with the delivered bytes starting `back` bytes before the current end.
   * Only the part still held is compared; 'unknown' when none of it is.
   */
  compare(back: number, bytes: Buffer): Comparison {
    const buf = this.buf;
    if (buf === null || back <= 0) return 'unknown';
    const cap = this.capacity;
    // Skip the part older than what the ring holds.
    const skip = Math.max(0, back - this.held);
    const n = Math.min(bytes.length, back) - skip;
    if (n <= 0) return 'unknown';
    let r = (this.pos - (back - skip) + cap * 2) % cap;
    for (let i = 0; i < n; i++) {
      if (buf[r] !== bytes[skip + i]) return 'differ';
      r = r + 1 === cap ? 0 : r + 1;
    }
    return 'equal';
  }
}
