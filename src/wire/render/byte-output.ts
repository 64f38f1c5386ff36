// An output buffer for views that write a lot of text (jsonl): pieces are encoded straight into
// a Buffer and handed out in blocks of about `blockSize` bytes. Building one big JS string per
// batch instead costs a rope flatten, a copy to two-byte form as soon as one non-Latin-1
// character appears, and a UTF-8 encode of the whole thing on write; here each piece is encoded
// once, into its final place.
import { hasControl, writeEscape, writeJsonString } from './json-bytes.js';

export { hasControl };

/** Buffer's own encoders without the argument checks of Buffer#write (a large share of the
 * cost for short pieces); present on every Node Buffer, checked once anyway. */
interface DirectWrite {
  latin1Write(s: string, offset: number, length: number): number;
  utf8Write(s: string, offset: number): number;
}
const direct = Buffer.prototype as unknown as Partial<DirectWrite>;
const latin1Write: (buf: Buffer, s: string, offset: number) => number =
  typeof direct.latin1Write === 'function'
    ? (buf, s, offset) => (buf as unknown as DirectWrite).latin1Write(s, offset, s.length)
    : (buf, s, offset) => buf.write(s, offset, s.length, 'latin1');
const utf8Write: (buf: Buffer, s: string, offset: number) => number =
  typeof direct.utf8Write === 'function'
    ? (buf, s, offset) => (buf as unknown as DirectWrite).utf8Write(s, offset)
    : (buf, s, offset) => buf.write(s, offset, 'utf8');

/** Longest string escaped by the byte loop (longer ones: JSON.stringify). */
const ESCAPE_LOOP_MAX = 64 * 1024;
/** 1 for the bytes escapeBytes copies as they are: not a control character, quote, backslash,
 * or 0xEF (the lead byte of U+FFFD, looked at more closely). */
const PLAIN_BYTE = new Uint8Array(256);
for (let c = 0x20; c < 256; c++) PLAIN_BYTE[c] = c === 0x22 || c === 0x5c || c === 0xef ? 0 : 1;
/** Where escapeBytes has a string's UTF-8 bytes written before escaping them (own memory, so
 * word-aligned: read four bytes at a time through `scratchWords`). */
const scratch = Buffer.from(new ArrayBuffer(3 * ESCAPE_LOOP_MAX + 4));
const scratchWords = new Int32Array(scratch.buffer);
/** Words read from memory are written back in the machine's byte order. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
// Each byte of a word repeated four times, as int32, for the SWAR tests: (x - ONES) & ~x has a
// high bit set when some byte of x is 0 (x = w ^ QUOTES: a quote), (w - SPACES) & ~w when some
// byte of w is below 0x20.
const ONES = 0x01010101;
const SPACES = 0x20202020;
const QUOTES = 0x22222222;
const BACKSLASHES = 0x5c5c5c5c;
const EF_BYTES = 0xefefefef | 0;
const HIGH_BITS = 0x80808080 | 0;

/** Bytes ≥ this share of a block are written as a block of their own rather than copied in. */
const LARGE_PIECE_SHARE = 4;

/** Short pieces are joined as a JS string up to about this many characters, then copied in at
 * once: a call into the runtime costs more than building the string. */
const PENDING_MAX = 16 * 1024;
/** putBytes copies up to this many bytes in a loop (TypedArray#set beyond). */
const SHORT_COPY = 16;
/** jsonStringKept copies up to this many bytes in a loop (TypedArray#set beyond). */
const KEEP_LOOP_MAX = 64;
/** Strings up to this length are checked for escapes character by character and joined. */
const SHORT_STRING = 48;
/** utf8() joins strings up to this length; longer ones are copied in directly. */
const JOIN_MAX = 2048;

export class ByteOutput {
  private buf: Buffer;
  private pos = 0;
  /** Pieces not yet copied into `buf` (always written before anything after them). */
  private pendingText = '';
  /** The block `view` looks at. */
  private viewed: Buffer | undefined;
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  /** Blocks handed out so far (a position is only meaningful within one block). */
  private blocksOut = 0;

  constructor(
    /** Receives each filled block; it owns the Buffer unless `reusable` says it is done with it. */
    private readonly sink: (block: Buffer) => void,
    private readonly blockSize = 1 << 20,
    /**
     * Asked right after the sink took a block: true when the sink no longer holds it (a
     * synchronous write completed), so the same memory is filled again. Allocating a fresh
     * megabyte per block instead fragments the C heap: the process grows with the output.
     */
    private readonly reusable: () => boolean = () => false,
  ) {
    this.buf = Buffer.allocUnsafe(blockSize);
  }

  // Raw puts: the fastest way to write the fixed parts of a line. reserve(n) first, then puts
  // of at most n bytes in total (nothing checks the room between them).

  /** Makes room for `n` bytes of raw puts (what was joined before goes first). */
  reserve(n: number): void {
    if (this.pendingText !== '') this.drain();
    this.room(n);
  }

  /** Pre-encoded bytes (keys, punctuation, cached text). */
  putBytes(b: Uint8Array): void {
    const n = b.length;
    const p = this.pos;
    if (n <= SHORT_COPY) {
      // TypedArray#set costs a runtime call; most pieces are a few bytes.
      const buf = this.buf;
      for (let i = 0; i < n; i++) buf[p + i] = b[i]!;
    } else this.buf.set(b, p);
    this.pos = p + n;
  }

  /** A short ASCII string, byte by byte. */
  putAscii(s: string): void {
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** A number as JSON writes it: digits straight in for unsigned 32-bit integers (≤ 24 bytes). */
  putNumber(n: number): void {
    if (n >>> 0 !== n) {
      this.putAscii(Number.isFinite(n) ? '' + n : 'null');
      return;
    }
    let digits = 1;
    for (let v = n; v >= 10; v = (v / 10) >>> 0) digits++;
    const buf = this.buf;
    let p = this.pos + digits;
    this.pos = p;
    let v = n;
    do {
      const q = (v / 10) >>> 0;
      buf[--p] = 0x30 + v - q * 10;
      v = q;
    } while (v !== 0);
  }

  /** A string of ASCII characters only (numbers, names, endpoints, JSON punctuation). */
  ascii(s: string): void {
    this.pendingText += s;
    if (this.pendingText.length > PENDING_MAX) this.drain();
  }

  /** Any string, UTF-8 encoded. */
  utf8(s: string): void {
    if (s.length <= JOIN_MAX) {
      this.pendingText += s;
      if (this.pendingText.length > PENDING_MAX) this.drain();
      return;
    }
    this.drain();
    this.put(s);
  }

  /**
   * Writes a string as a JSON string literal ("…" with escapes), exactly like JSON.stringify(s).
   * Most message text needs no escape at all: quotes and backslashes are looked for with the
   * engine's own string search, the text is copied in, and the copy is checked for control
   * characters four bytes at a time; text that needs escapes is escaped byte by byte.
   * `ascii` promises that every character is below 0x80 (a cheaper copy). `s` must be
   * well-formed UTF-16 (text decoded from bytes always is).
   */
  jsonString(s: string, ascii = false): void {
    const n = s.length;
    if (n <= SHORT_STRING) {
      // ASCII with nothing to escape (TCP options, chat names) is copied in as it is checked:
      // one pass; anything else is left unwritten and taken by the paths below.
      this.reserve(n + 2);
      const buf = this.buf;
      const start = this.pos;
      let p = start + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x80) break;
        buf[p++] = c;
      }
      if (i === n) {
        buf[start] = 0x22;
        buf[p++] = 0x22;
        this.pos = p;
        return;
      }
      // Not plain ASCII: non-ASCII text with nothing to escape is joined, the rest escaped.
      let clean = true;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x20 || c === 0x22 || c === 0x5c) {
          clean = false;
          break;
        }
      }
      if (clean) this.utf8('"' + s + '"');
      else this.escapeInto(s);
      return;
    }
    const max = ascii ? n + 2 : n * 3 + 2;
    if (max > this.blockSize / LARGE_PIECE_SHARE) {
      this.utf8(JSON.stringify(s));
      return;
    }
    this.drain();
    if (s.indexOf('"') >= 0 || s.indexOf('\\') >= 0) {
      // JSON in JSON (chat messages), summaries with quotes: encoded natively, then escaped
      // byte by byte (faster than walking the characters, and it flattens a summary's rope once).
      if (n > ESCAPE_LOOP_MAX) this.put(JSON.stringify(s));
      else this.escapeBytes(s, ascii);
      return;
    }
    this.room(max);
    const buf = this.buf;
    const start = this.pos;
    buf[start] = 0x22;
    const written = ascii ? latin1Write(buf, s, start + 1) : utf8Write(buf, s, start + 1);
    if (hasControl(buf, start + 1, start + 1 + written)) {
      this.escapeInto(s);
      return;
    }
    buf[start + 1 + written] = 0x22;
    this.pos = start + written + 2;
  }

  /**
   * jsonString, and the bytes it wrote also copied into `keep` when they fit (to be written
   * again with reserve and putBytes): their length, or -1 when they were not kept.
   */
  jsonStringKept(s: string, ascii: boolean, keep: Uint8Array): number {
    this.drain();
    const block = this.buf;
    const blocks = this.blocksOut;
    const start = this.pos;
    this.jsonString(s, ascii);
    // Kept only when the string went straight into this block (not joined, not a block of its own).
    if (this.pendingText !== '' || this.blocksOut !== blocks || this.buf !== block) return -1;
    const n = this.pos - start;
    if (n > keep.length) return -1;
    // A loop for the short ones: a view and a native copy cost more than a few dozen bytes.
    if (n <= KEEP_LOOP_MAX) for (let i = 0; i < n; i++) keep[i] = block[start + i]!;
    else keep.set(block.subarray(start, start + n));
    return n;
  }

  /** Hands out what the current block holds. */
  flush(): void {
    this.drain();
    const n = this.pos;
    if (n === 0) return;
    this.blocksOut++;
    this.pos = 0;
    if (n < this.blockSize >> 3 && this.buf.length === this.blockSize) {
      // A little (a live capture's batch): hand out a copy and keep filling the same block.
      this.sink(Buffer.from(this.buf.subarray(0, n)));
      return;
    }
    const block = this.buf;
    this.sink(block.subarray(0, n));
    if (block.length !== this.blockSize || !this.reusable()) this.buf = Buffer.allocUnsafe(this.blockSize);
  }

  /** Copies the joined pieces in. */
  private drain(): void {
    const text = this.pendingText;
    if (text === '') return;
    this.pendingText = '';
    this.put(text);
  }

  /** Copies a string in as UTF-8 (`pendingText` must be empty). */
  private put(s: string): void {
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
    this.pos += utf8Write(this.buf, s, this.pos);
  }

  /** Makes room for `bytes` more bytes in the current block (handing it out first if needed). */
  private room(bytes: number): void {
    if (this.buf.length - this.pos >= bytes) return;
    this.flush();
    if (this.buf.length < bytes) this.buf = Buffer.allocUnsafe(bytes);
  }

  /**
   * Like escapeInto, from the string's UTF-8 bytes (written natively into `scratch` first): the
   * escaped bytes are the same as long as the string is well-formed UTF-16. A lone surrogate
   * (JSON.parse can make one, and chat summaries quote parsed text) is written by the native
   * encoder as U+FFFD, whose bytes EF BF BD send the string to escapeInto, which escapes it as
   * JSON.stringify does. `ascii`: every character is below 0x80 (a cheaper copy). `s.length` ≤
   * ESCAPE_LOOP_MAX.
   */
  private escapeBytes(s: string, ascii: boolean): void {
    const n = s.length;
    this.room(n * 6 + 2);
    const raw = scratch;
    const end = ascii ? latin1Write(raw, s, 0) : utf8Write(raw, s, 0);
    const buf = this.buf;
    const view = this.viewOfBlock();
    let p = this.pos;
    buf[p++] = 0x22;
    // Four bytes at a time while none of them needs a look (most of any text): one word read,
    // one word written. The SWAR tests below never miss such a byte (they may flag a word that
    // has none, which the byte loop then copies as it is).
    const words = end >> 2;
    for (let k = 0; k < words; k++) {
      const w = scratchWords[k]!;
      const quote = w ^ QUOTES;
      const backslash = w ^ BACKSLASHES;
      const lead = w ^ EF_BYTES;
      if (
        (((w - SPACES) & ~w) |
          ((quote - ONES) & ~quote) |
          ((backslash - ONES) & ~backslash) |
          ((lead - ONES) & ~lead)) &
        HIGH_BITS
      ) {
        for (let i = k << 2, stop = i + 4; i < stop; i++) {
          const c = raw[i]!;
          if (PLAIN_BYTE[c] === 1) buf[p++] = c;
          else if (c !== 0xef) p = writeEscape(buf, p, c);
          else if (raw[i + 1] === 0xbf && raw[i + 2] === 0xbd) {
            this.escapeInto(s);
            return;
          } else buf[p++] = c;
        }
        continue;
      }
      view.setInt32(p, w, LITTLE_ENDIAN);
      p += 4;
    }
    for (let i = words << 2; i < end; i++) {
      const c = raw[i]!;
      if (PLAIN_BYTE[c] === 1) buf[p++] = c;
      else if (c !== 0xef) p = writeEscape(buf, p, c);
      else if (raw[i + 1] === 0xbf && raw[i + 2] === 0xbd) {
        this.escapeInto(s);
        return;
      } else buf[p++] = c;
    }
    buf[p++] = 0x22;
    this.pos = p;
  }

  /** A DataView of the current block (made again only when the block changes). */
  private viewOfBlock(): DataView<ArrayBufferLike> {
    const buf = this.buf;
    if (this.viewed !== buf) {
      this.viewed = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
    }
    return this.view;
  }

  /** JSON.stringify's output for any string, written byte by byte (json-bytes.ts). */
  private escapeInto(s: string): void {
    this.room(s.length * 6 + 2);
    this.pos = writeJsonString(this.buf, this.pos, s);
  }
}
