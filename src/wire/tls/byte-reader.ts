// A bounds-checked reader over one handshake message. Reading past the end throws TruncatedField,
// which the message parsers catch and turn into a problem: nothing read off the wire is trusted
// to fit.

export class TruncatedField extends Error {
  constructor(what: string) {
    super(`${what} runs past the end of the message`);
    this.name = 'TruncatedField';
  }
}

export class ByteReader {
  pos = 0;
  constructor(
    readonly buf: Buffer,
    private readonly end = buf.length,
  ) {}

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (this.pos + n > this.end) throw new TruncatedField(what);
  }

  u8(what = 'a field'): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  u16(what = 'a field'): number {
    this.need(2, what);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u24(what = 'a field'): number {
    this.need(3, what);
    const v = (this.buf[this.pos]! << 16) | this.buf.readUInt16BE(this.pos + 1);
    this.pos += 3;
    return v;
  }

  u32(what = 'a field'): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  bytes(n: number, what = 'a field'): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A vector with a 1-, 2- or 3-byte length prefix, as a reader of its own. */
  vector(lengthBytes: 1 | 2 | 3, what = 'a vector'): ByteReader {
    const n = lengthBytes === 1 ? this.u8(what) : lengthBytes === 2 ? this.u16(what) : this.u24(what);
    this.need(n, what);
    const sub = new ByteReader(this.buf, this.pos + n);
    sub.pos = this.pos;
    this.pos += n;
    return sub;
  }
}
