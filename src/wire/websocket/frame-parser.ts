// WebSocket frame parser (RFC 6455 §5.2) as a push state machine, one method per state: HEADER
// (a header whole in the chunk is decoded where it lies; one split across chunks is collected
// in a tiny fixed buffer), PAYLOAD (passed on slice by slice as it arrives, unmasked, the mask
// position carried across chunks) and STOPPED (after a length no frame can have). One header
// object is reused for every frame, and nothing is allocated from a length read off the wire.
import {
  decodeFrameHeader,
  HEADER_LENGTH_IMPOSSIBLE,
  headerLengthFor,
  MAX_HEADER_BYTES,
  newFrameHeader,
  unmaskIntoWords,
  unmaskRange,
  type FrameHeader,
} from '../../shared/websocket-framing.js';

export type { FrameHeader } from '../../shared/websocket-framing.js';

export interface FrameParserHandlers {
  /** A frame begins. `header` is the parser's own object, valid until the next frame's header:
   * copy what must outlive the frame. */
  onHeader(header: FrameHeader): void;
  /**
   * Unmasked payload bytes in order; `wire` is the same slice as it was on the wire (only when
   * the parser was made with `wantWire`: otherwise undefined for a masked frame, so no view is
   * made of it). `last`: this slice ends the frame (onFrameEnd follows at once). For a masked
   * frame `chunk` is scratch memory, valid until the parser (any parser) unmasks again: a
   * handler that keeps it beyond this call and the onFrameEnd that may follow must copy it.
   */
  onPayload(chunk: Buffer, wire: Buffer | undefined, header: FrameHeader, last: boolean): void;
  onFrameEnd(header: FrameHeader): void;
  /**
   * Optional: offered each masked slice `src[start, end)` before the parser unmasks it into
   * scratch memory (`offset`: its position in the payload; `last` as for onPayload). A handler
   * that keeps the slice can unmask it straight where it keeps it and return true: the parser
   * then moves on as if onPayload had been called. Not offered when the parser passes wire
   * slices on (`wantWire`).
   */
  takeMasked?(
    src: Buffer,
    start: number,
    end: number,
    header: FrameHeader,
    offset: number,
    last: boolean,
  ): boolean;
  /** A header that cannot be followed (length beyond 2^53): the parser stops for good. */
  onFatal(code: 'WS_LENGTH_IMPOSSIBLE', message: string): void;
}

const HEADER = 0;
const PAYLOAD = 1;
const STOPPED = 2;
type ParserState = typeof HEADER | typeof PAYLOAD | typeof STOPPED;

export class FrameParser {
  private state: ParserState = HEADER;
  private readonly header: FrameHeader = newFrameHeader();
  /** A header split across chunks, collected here. */
  private readonly headerBuf = Buffer.alloc(MAX_HEADER_BYTES);
  private headerHave = 0;
  private payloadDone = 0;

  /** `wantWire`: pass each masked slice as it was on the wire too (the views that show it). */
  constructor(
    private readonly handlers: FrameParserHandlers,
    private readonly wantWire = false,
  ) {}

  /** True between frames (no header byte or payload byte pending). */
  get atBoundary(): boolean {
    return this.state === HEADER && this.headerHave === 0;
  }

  get stopped(): boolean {
    return this.state === STOPPED;
  }

  push(bytes: Buffer): void {
    let pos = 0;
    const end = bytes.length;
    while (pos < end) {
      if (this.state === HEADER) pos = this.readHeader(bytes, pos);
      else if (this.state === PAYLOAD) pos = this.readPayload(bytes, pos);
      else return;
    }
  }

  /**
   * `missing` bytes were never captured. If they fall inside the current payload the parser
   * stays in step (returns true); otherwise frame sync is lost (returns false) and the caller
   * must resynchronise.
   */
  skip(missing: number): boolean {
    if (this.state === STOPPED) return false;
    if (this.state === PAYLOAD && missing < this.header.length - this.payloadDone) {
      this.payloadDone += missing;
      return true;
    }
    this.state = HEADER;
    this.headerHave = 0;
    return false;
  }

  /** HEADER: decodes a header from `bytes[pos]` (or completes one begun in an earlier chunk). */
  private readHeader(bytes: Buffer, pos: number): number {
    if (this.headerHave === 0) {
      const n = decodeFrameHeader(bytes, pos, bytes.length, this.header);
      if (n > 0) {
        this.startPayload();
        return pos + n;
      }
      if (n === HEADER_LENGTH_IMPOSSIBLE) return this.fatal(bytes, pos);
    }
    // Split header: collect just enough bytes; the need grows as byte 1 arrives.
    const buf = this.headerBuf;
    let need = this.headerHave < 2 ? 2 : headerLengthFor(buf[1]!);
    while (this.headerHave < need && pos < bytes.length) {
      buf[this.headerHave++] = bytes[pos++]!;
      if (this.headerHave === 2) need = headerLengthFor(buf[1]!);
    }
    if (this.headerHave < need) return pos;
    this.headerHave = 0;
    if (decodeFrameHeader(buf, 0, need, this.header) === HEADER_LENGTH_IMPOSSIBLE) return this.fatal(buf, 0);
    this.startPayload();
    return pos;
  }

  private startPayload(): void {
    this.payloadDone = 0;
    this.state = PAYLOAD;
    this.handlers.onHeader(this.header);
    if (this.header.length === 0) this.endFrame();
  }

  /** PAYLOAD: hands on as much of the payload as this chunk holds. */
  private readPayload(bytes: Buffer, pos: number): number {
    const h = this.header;
    const take = Math.min(h.length - this.payloadDone, bytes.length - pos);
    const offset = this.payloadDone;
    const last = offset + take === h.length;
    this.payloadDone += take;
    if (!h.masked) {
      const view = bytes.subarray(pos, pos + take);
      this.handlers.onPayload(view, view, h, last);
    } else if (this.wantWire) {
      const plain = unmaskScratch(bytes, pos, pos + take, h.maskKey, offset);
      this.handlers.onPayload(plain, bytes.subarray(pos, pos + take), h, last);
    } else if (!this.handlers.takeMasked?.(bytes, pos, pos + take, h, offset, last)) {
      this.handlers.onPayload(unmaskScratch(bytes, pos, pos + take, h.maskKey, offset), undefined, h, last);
    }
    if (last) this.endFrame();
    return pos + take;
  }

  private endFrame(): void {
    this.state = HEADER;
    this.handlers.onFrameEnd(this.header);
  }

  /** STOPPED: a 64-bit length no frame can have. Returns past the end of `bytes`. */
  private fatal(buf: Buffer, at: number): number {
    this.state = STOPPED;
    const hi = buf.readUInt32BE(at + 2);
    const lo = buf.readUInt32BE(at + 6);
    this.handlers.onFatal(
      'WS_LENGTH_IMPOSSIBLE',
      `64-bit payload length 0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')} is impossible`,
    );
    return Number.MAX_SAFE_INTEGER;
  }
}

export function createFrameParser(handlers: FrameParserHandlers, wantWire = false): FrameParser {
  return new FrameParser(handlers, wantWire);
}

/** Masked slices up to this size are unmasked into shared scratch memory. */
const SCRATCH_BYTES = 64 * 1024;
let scratch: Buffer | undefined;
/** The scratch memory as 32-bit words (its own ArrayBuffer, so aligned), made once. */
let scratchWords: Int32Array | undefined;

/**
 * Unmasks into memory shared by every parser (larger slices get their own): most client
 * messages are read, turned into text and dropped before the next frame, so a Buffer per frame
 * (and the garbage and C-heap traffic it makes) is avoided. Valid until the next call.
 */
function unmaskScratch(src: Buffer, start: number, end: number, key: number, offset: number): Buffer {
  const n = end - start;
  if (n > SCRATCH_BYTES) return unmaskRange(src, start, end, key, offset, Buffer.allocUnsafe(n));
  if (scratch === undefined) {
    scratch = Buffer.alloc(SCRATCH_BYTES);
    scratchWords = new Int32Array(scratch.buffer, scratch.byteOffset, SCRATCH_BYTES >> 2);
  }
  unmaskIntoWords(src, start, end, key, offset, scratch, scratchWords!);
  return scratch.subarray(0, n);
}
