// The bytes one direction holds while it looks for a frame boundary (after a loss, or when the
// capture began mid-stream): copied in (a view would pin its capture chunk), bounded by the
// caller through discard(), and a count of what was thrown away so a hopeless stream is
// reported once.

/** Bytes thrown away in all before the search is reported as failing. */
const GIVE_UP_BYTES = 1024 * 1024;

export class ResyncBuffer {
  private parts: Buffer[] = [];
  /** Bytes held. */
  bytes = 0;
  private discarded = 0;

  push(bytes: Buffer): void {
    this.parts.push(Buffer.from(bytes));
    this.bytes += bytes.length;
  }

  /** Everything held, as one Buffer (joined once, then kept joined). */
  joined(): Buffer {
    const buf = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts, this.bytes);
    this.parts = [buf];
    return buf;
  }

  clear(): void {
    this.parts = [];
    this.bytes = 0;
  }

  /** A boundary was found: the search starts afresh next time. */
  found(): void {
    this.clear();
    this.discarded = 0;
  }

  /**
   * Keeps only `buf` (what joined() gave) from `from` on. True the one time the bytes thrown
   * away in all pass GIVE_UP_BYTES.
   */
  discard(buf: Buffer, from: number): boolean {
    this.discarded += from;
    this.parts = [Buffer.from(buf.subarray(from))];
    this.bytes = buf.length - from;
    if (this.discarded <= GIVE_UP_BYTES) return false;
    this.discarded = Number.NEGATIVE_INFINITY; // report once
    return true;
  }
}
