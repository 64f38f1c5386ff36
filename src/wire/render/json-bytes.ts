// JSON string escapes written as bytes, for ByteOutput: the escape of one ASCII byte, the \uXXXX
// form, and a word-at-a-time scan for control characters in bytes already written.

/** The letter after the backslash for JSON's two-character escapes. */
const ESCAPES: Array<number | undefined> = [];
ESCAPES[0x22] = 0x22;
ESCAPES[0x5c] = 0x5c;
ESCAPES[0x08] = 0x62;
ESCAPES[0x0c] = 0x66;
ESCAPES[0x0a] = 0x6e;
ESCAPES[0x0d] = 0x72;
ESCAPES[0x09] = 0x74;
const HEX = Buffer.from('0123456789abcdef', 'latin1');
/** A backslash and the escape of ASCII byte `c` (its short form, or \u00XX); the new position. */
export function writeEscape(buf: Buffer, p: number, c: number): number {
  buf[p++] = 0x5c;
  const short = ESCAPES[c];
  if (short !== undefined) buf[p++] = short;
  else p = hex4(buf, p, c);
  return p;
}

/** Writes "uXXXX" (after a backslash) with lower-case hex; returns the new position. */
export function hex4(buf: Buffer, p: number, c: number): number {
  buf[p++] = 0x75;
  buf[p++] = HEX[(c >> 12) & 15]!;
  buf[p++] = HEX[(c >> 8) & 15]!;
  buf[p++] = HEX[(c >> 4) & 15]!;
  buf[p++] = HEX[c & 15]!;
  return p;
}

/** A word view of the memory last scanned (an output block is scanned again and again). */
let wordsMemory: ArrayBufferLike | undefined;
let wordsView: Int32Array<ArrayBufferLike> = new Int32Array(0);
function wordsOf(memory: ArrayBufferLike): Int32Array {
  if (memory !== wordsMemory) {
    wordsMemory = memory;
    wordsView = new Int32Array(memory, 0, memory.byteLength >> 2);
  }
  return wordsView;
}

/** Whether bytes [from, to) hold a control character (below 0x20), which JSON must escape. */
export function hasControl(buf: Buffer, from: number, to: number): boolean {
  let i = from;
  // Byte by byte up to a 4-byte boundary of the underlying memory, then a word at a time.
  const lead = (4 - ((buf.byteOffset + i) & 3)) & 3;
  for (const stop = Math.min(to, i + lead); i < stop; i++) if (buf[i]! < 0x20) return true;
  const words = (to - i) >> 2;
  if (words >= 8) {
    // Int32 (not Uint32) words stay small integers for the engine; the classic SWAR test
    // (w - 0x20202020) & ~w & 0x80808080 is non-zero when some byte is below 0x20.
    const w = wordsOf(buf.buffer);
    let acc = 0;
    let k = (buf.byteOffset + i) >> 2;
    const stop = k + words;
    for (; k + 4 <= stop; k += 4) {
      const a = w[k]!;
      const b = w[k + 1]!;
      const c = w[k + 2]!;
      const d = w[k + 3]!;
      acc |=
        ((a - 0x20202020) & ~a) | ((b - 0x20202020) & ~b) | ((c - 0x20202020) & ~c) | ((d - 0x20202020) & ~d);
      if (acc & 0x80808080) return true;
    }
    for (; k < stop; k++) {
      const a = w[k]!;
      acc |= (a - 0x20202020) & ~a;
    }
    if (acc & 0x80808080) return true;
    i += words << 2;
  }
  for (; i < to; i++) if (buf[i]! < 0x20) return true;
  return false;
}

/**
 * JSON.stringify's output for any string, written byte by byte as UTF-8: the two-character
 * escapes, \u00XX for other control characters, lone surrogates as \uXXXX (lower-case hex,
 * as JSON.stringify writes them), everything else as its UTF-8 bytes. `buf` has room for
 * 6 bytes a character and the quotes; returns the position after the closing quote.
 */
export function writeJsonString(buf: Buffer, at: number, s: string): number {
  const n = s.length;
  let p = at;
  buf[p++] = 0x22;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c) {
        buf[p++] = c;
        continue;
      }
      p = writeEscape(buf, p, c);
    } else if (c < 0x800) {
      buf[p++] = 0xc0 | (c >> 6);
      buf[p++] = 0x80 | (c & 0x3f);
    } else if (c < 0xd800 || c > 0xdfff) {
      buf[p++] = 0xe0 | (c >> 12);
      buf[p++] = 0x80 | ((c >> 6) & 0x3f);
      buf[p++] = 0x80 | (c & 0x3f);
    } else {
      const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        buf[p++] = 0xf0 | (cp >> 18);
        buf[p++] = 0x80 | ((cp >> 12) & 0x3f);
        buf[p++] = 0x80 | ((cp >> 6) & 0x3f);
        buf[p++] = 0x80 | (cp & 0x3f);
        i++;
      } else {
        // A lone surrogate: JSON.stringify keeps it as an escape.
        buf[p++] = 0x5c;
        p = hex4(buf, p, c);
      }
    }
  }
  buf[p++] = 0x22;
  return p;
}
