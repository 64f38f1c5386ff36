// WebSocket frame parser (RFC 6455 §5.2) as a push state machine: bytes arrive in any chunking,
// headers are collected in a tiny fixed buffer, payloads are passed on slice by slice as they
// arrive (unmasked, with the mask position carried across chunks). Nothing is ever allocated from
// a length read off the wire.

export interface FrameHeader {
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  masked: boolean;
  /** The 4 mask bytes as a big-endian unsigned 32-bit number (0 when not masked; a mask of
   * four zero bytes is 0 too: `masked` tells). */
  maskKey: number;
  /** Payload length from the header (≤ 2^53 - 1). */
  length: number;
  /** 2..14 */
  headerLength: number;
}

export interface FrameParserHandlers {
  onHeader(header: FrameHeader): void;
  /**
   * Unmasked payload bytes in order; `wire` is the same slice as it was on the wire. `last`:
   * this slice ends the frame (onFrameEnd follows at once). For a masked frame `chunk` is
   * scratch memory, valid until the parser (any parser) unmasks again: a handler that keeps it
   * beyond this call and the onFrameEnd that may follow must copy it.
   */
  onPayload(chunk: Buffer, wire: Buffer, header: FrameHeader, last: boolean): void;
  onFrameEnd(header: FrameHeader): void;
  /** A header that cannot be followed (length beyond 2^53): the parser stops for good. */
  onFatal(code: 'BAD_FRAME', message: string): void;
}

export interface FrameParser {
  push(bytes: Buffer): void;
  /**
   * `missing` bytes were never captured. If they fall inside the current payload the parser
   * stays in step (returns true); otherwise frame sync is lost (returns false) and the caller
   * must resynchronise.
   */
  skip(missing: number): boolean;
  /** True between frames (no header byte or payload byte pending). */
  readonly atBoundary: boolean;
  readonly stopped: boolean;
}

/** Largest length a 64-bit field may carry and still be a safe JS integer. */
export const MAX_FRAME_LENGTH = Number.MAX_SAFE_INTEGER;

export function createFrameParser(handlers: FrameParserHandlers): FrameParser {
  const headerBuf = Buffer.alloc(14);
  let headerHave = 0;
  let header: FrameHeader | undefined; // set while in the payload
  let payloadDone = 0;
  let stopped = false;

  /** Header length implied by the first two bytes. */
  function headerNeed(): number {
    if (headerHave < 2) return 2;
    const len7 = headerBuf[1] & 0x7f;
    return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (headerBuf[1] & 0x80 ? 4 : 0);
  }

  function finishHeader(): void {
    const b0 = headerBuf[0];
    const b1 = headerBuf[1];
    const len7 = b1 & 0x7f;
    let length = len7;
    let at = 2;
    if (len7 === 126) {
      length = headerBuf.readUInt16BE(2);
      at = 4;
    } else if (len7 === 127) {
      const hi = headerBuf.readUInt32BE(2);
      const lo = headerBuf.readUInt32BE(6);
      at = 10;
      if (hi > 0x1fffff) {
        stopped = true;
        handlers.onFatal(
          'BAD_FRAME',
          `64-bit payload length 0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')} is impossible`,
        );
        return;
      }
      length = hi * 0x100000000 + lo;
    }
    const masked = (b1 & 0x80) !== 0;
    header = {
      fin: (b0 & 0x80) !== 0,
      rsv1: (b0 & 0x40) !== 0,
      rsv2: (b0 & 0x20) !== 0,
      rsv3: (b0 & 0x10) !== 0,
      opcode: b0 & 0x0f,
      masked,
      maskKey: masked ? headerBuf.readUInt32BE(at) : 0,
      length,
      headerLength: headerNeed(),
    };
    headerHave = 0;
    payloadDone = 0;
    handlers.onHeader(header);
    if (length === 0) endFrame();
  }

  function endFrame(): void {
    const done = header as FrameHeader;
    header = undefined;
    handlers.onFrameEnd(done);
  }

  function push(bytes: Buffer): void {
    let pos = 0;
    while (pos < bytes.length && !stopped) {
      if (header === undefined) {
        // Collect just enough header bytes; the need grows as bytes 1 and the length arrive.
        let need = headerNeed();
        while (headerHave < need && pos < bytes.length) {
          headerBuf[headerHave++] = bytes[pos++];
          need = headerNeed();
        }
        if (headerHave === need) finishHeader();
        continue;
      }
      const take = Math.min(header.length - payloadDone, bytes.length - pos);
      const wire = bytes.subarray(pos, pos + take);
      const plain = header.masked ? unmaskScratch(wire, header.maskKey, payloadDone) : wire;
      pos += take;
      payloadDone += take;
      const last = payloadDone === header.length;
      handlers.onPayload(plain, wire, header, last);
      if (last) endFrame();
    }
  }

  function skip(missing: number): boolean {
    if (stopped) return false;
    if (header !== undefined && missing < header.length - payloadDone) {
      payloadDone += missing;
      return true;
    }
    header = undefined;
    headerHave = 0;
    return false;
  }

  return {
    push,
    skip,
    get atBoundary() {
      return header === undefined && headerHave === 0;
    },
    get stopped() {
      return stopped;
    },
  };
}

/** Whether the machine stores the low byte of a word first (how Int32Array words map to bytes). */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;
/** Below this many bytes a plain byte loop is cheapest. */
const WORD_UNMASK_MIN = 32;

/** The mask byte at payload position `i` of a big-endian mask key. */
const maskByte = (key: number, i: number): number => (key >>> ((3 - (i & 3)) << 3)) & 0xff;

/** A mask key as the 8 lower-case hex digits of its bytes. */
export function maskHex(key: number): string {
  return HEX2[key >>> 24]! + HEX2[(key >>> 16) & 0xff]! + HEX2[(key >>> 8) & 0xff]! + HEX2[key & 0xff]!;
}
const HEX2 = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Masked slices up to this size are unmasked into shared scratch memory. */
const SCRATCH_BYTES = 64 * 1024;
let scratch: Buffer | undefined;

/**
 * unmask() into memory shared by every parser (larger slices get their own): most client
 * messages are read, turned into text and dropped before the next frame, so a Buffer per frame
 * (and the garbage and C-heap traffic it makes) is avoided. Valid until the next call.
 */
function unmaskScratch(wire: Buffer, key: number, offset: number): Buffer {
  if (wire.length > SCRATCH_BYTES) return unmask(wire, key, offset);
  scratch ??= Buffer.allocUnsafe(SCRATCH_BYTES);
  return unmask(wire, key, offset, scratch.subarray(0, wire.length));
}

/**
 * XORs a payload slice with the mask (`key`: its 4 bytes big-endian); `offset` is the slice's
 * position in the payload. The result goes to `into` (exactly `wire.length` bytes) or a new
 * Buffer.
 */
export function unmask(wire: Buffer, key: number, offset: number, into?: Buffer): Buffer {
  const n = wire.length;
  const out = into ?? Buffer.allocUnsafe(n);
  if (n < WORD_UNMASK_MIN) {
    for (let i = 0; i < n; i++) out[i] = wire[i]! ^ maskByte(key, offset + i);
    return out;
  }
  // Copy (a native memcpy), then XOR in place four bytes at a time on aligned words.
  wire.copy(out, 0, 0, n);
  let i = 0;
  const lead = (4 - (out.byteOffset & 3)) & 3;
  for (; i < lead; i++) out[i] = out[i]! ^ maskByte(key, offset + i);
  const words = (n - i) >> 2;
  const at = offset + i;
  const b0 = maskByte(key, at);
  const b1 = maskByte(key, at + 1);
  const b2 = maskByte(key, at + 2);
  const b3 = maskByte(key, at + 3);
  const word = LITTLE_ENDIAN
    ? b0 | (b1 << 8) | (b2 << 16) | (b3 << 24)
    : (b0 << 24) | (b1 << 16) | (b2 << 8) | b3;
  const w = new Int32Array(out.buffer, out.byteOffset + i, words);
  let k = 0;
  for (const stop = words - 3; k < stop; k += 4) {
    w[k] = w[k]! ^ word;
    w[k + 1] = w[k + 1]! ^ word;
    w[k + 2] = w[k + 2]! ^ word;
    w[k + 3] = w[k + 3]! ^ word;
  }
  for (; k < words; k++) w[k] = w[k]! ^ word;
  i += words << 2;
  for (; i < n; i++) out[i] = out[i]! ^ maskByte(key, offset + i);
  return out;
}
