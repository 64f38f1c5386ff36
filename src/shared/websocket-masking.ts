// Masking of WebSocket payloads (RFC 6455 §5.3), part of the framing module
// (websocket-framing.ts re-exports it): XOR with a 4-byte key, word at a time where that pays.

/** Whether the machine stores the low byte of a word first (how Int32Array words map to bytes). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Below this many bytes an unrolled byte loop is cheaper than a copy and XOR on words. */
const WORD_MASK_MIN = 96;

/** The mask byte at payload position `i` of a big-endian mask key. */
const maskByte = (key: number, i: number): number => (key >>> ((3 - (i & 3)) << 3)) & 0xff;

/**
 * XORs `buf[start, end)` with the mask (`key`: its 4 bytes big-endian) in place; `offset` is
 * the position of `buf[start]` in the payload. Masking and unmasking are the same operation.
 */
export function maskInPlace(buf: Uint8Array, start: number, end: number, key: number, offset: number): void {
  if (end - start < WORD_MASK_MIN) {
    xorBytes(buf, start, buf, start, end - start, key, offset);
    return;
  }
  let i = start;
  // Four bytes at a time on aligned words.
  const lead = (4 - ((buf.byteOffset + i) & 3)) & 3;
  for (const stop = i + lead; i < stop; i++) buf[i] = buf[i]! ^ maskByte(key, offset + i - start);
  const words = (end - i) >> 2;
  xorWords(new Int32Array(buf.buffer, buf.byteOffset + i, words), words, maskWord(key, offset + i - start));
  i += words << 2;
  for (; i < end; i++) buf[i] = buf[i]! ^ maskByte(key, offset + i - start);
}

/** The mask's four bytes from payload position `at` on, as one machine word. */
function maskWord(key: number, at: number): number {
  const b0 = maskByte(key, at);
  const b1 = maskByte(key, at + 1);
  const b2 = maskByte(key, at + 2);
  const b3 = maskByte(key, at + 3);
  return LITTLE_ENDIAN ? b0 | (b1 << 8) | (b2 << 16) | (b3 << 24) : (b0 << 24) | (b1 << 16) | (b2 << 8) | b3;
}

function xorWords(w: Int32Array, count: number, word: number): void {
  let k = 0;
  for (const stop = count - 3; k < stop; k += 4) {
    w[k] = w[k]! ^ word;
    w[k + 1] = w[k + 1]! ^ word;
    w[k + 2] = w[k + 2]! ^ word;
    w[k + 3] = w[k + 3]! ^ word;
  }
  for (; k < count; k++) w[k] = w[k]! ^ word;
}

/**
 * unmask() of `src[start, end)` into the start of `out`, a buffer that `words` views as 32-bit
 * words from its first byte (both made once by the caller and reused: no view per call, which
 * costs as much as the XOR on chat-sized payloads). Writes `out[0, end - start)`.
 */
export function unmaskIntoWords(
  src: Buffer,
  start: number,
  end: number,
  key: number,
  offset: number,
  out: Buffer,
  words: Int32Array,
): void {
  const n = end - start;
  if (n < WORD_MASK_MIN) {
    xorBytes(src, start, out, 0, n, key, offset);
    return;
  }
  src.copy(out, 0, start, end);
  const count = n >> 2;
  xorWords(words, count, maskWord(key, offset));
  for (let i = count << 2; i < n; i++) out[i] = out[i]! ^ maskByte(key, offset + i);
}

/**
 * A masked payload slice unmasked (`offset`: the slice's position in the payload) into `into`
 * (exactly `wire.length` bytes) or a new Buffer; `wire` is left as it is.
 */
export function unmask(wire: Buffer, key: number, offset: number, into?: Buffer): Buffer {
  return unmaskRange(wire, 0, wire.length, key, offset, into ?? Buffer.allocUnsafe(wire.length));
}

/** unmask() of `src[start, end)` into `out` (exactly end - start bytes), with no view made of the slice. */
export function unmaskRange(
  src: Buffer,
  start: number,
  end: number,
  key: number,
  offset: number,
  out: Buffer,
): Buffer {
  unmaskRangeAt(src, start, end, key, offset, out, 0);
  return out;
}

/** unmaskRange() into `out[at, at + end - start)` (the rest of `out` is left as it is). */
export function unmaskRangeAt(
  src: Buffer,
  start: number,
  end: number,
  key: number,
  offset: number,
  out: Buffer,
  at: number,
): void {
  const n = end - start;
  if (n < WORD_MASK_MIN) {
    xorBytes(src, start, out, at, n, key, offset);
    return;
  }
  src.copy(out, at, start, end); // a native memcpy, then XOR in place
  maskInPlace(out, at, at + n, key, offset);
}

/** dst[at, at + n) = src[from, from + n) XOR the mask, four bytes per step (`offset`: payload position of src[from]). */
function xorBytes(
  src: Uint8Array,
  from: number,
  dst: Uint8Array,
  at: number,
  n: number,
  key: number,
  offset: number,
): void {
  const k0 = maskByte(key, offset);
  const k1 = maskByte(key, offset + 1);
  const k2 = maskByte(key, offset + 2);
  const k3 = maskByte(key, offset + 3);
  let i = 0;
  for (const stop = n - 3; i < stop; i += 4) {
    dst[at + i] = src[from + i]! ^ k0;
    dst[at + i + 1] = src[from + i + 1]! ^ k1;
    dst[at + i + 2] = src[from + i + 2]! ^ k2;
    dst[at + i + 3] = src[from + i + 3]! ^ k3;
  }
  if (i < n) dst[at + i] = src[from + i]! ^ k0;
  if (i + 1 < n) dst[at + i + 1] = src[from + i + 1]! ^ k1;
  if (i + 2 < n) dst[at + i + 2] = src[from + i + 2]! ^ k2;
}

/** A mask key as the 8 lower-case hex digits of its bytes. */
export function maskHex(key: number): string {
  return HEX2[key >>> 24]! + HEX2[(key >>> 16) & 0xff]! + HEX2[(key >>> 8) & 0xff]! + HEX2[key & 0xff]!;
}
const HEX2 = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));
