// Incremental WebSocket frame reader: push raw socket chunks, get one callback per message as a
// view (buffer, start, end) into the received bytes — no copy and no decoding for the common
// case of one whole frame inside one chunk. Fragmented messages are reassembled (rare path).
import {
  decodeFrameHeader,
  HEADER_LENGTH_IMPOSSIBLE,
  HEADER_NEEDS_MORE,
  isControlOpcode,
  maskInPlace,
  MAX_CONTROL_PAYLOAD,
  newFrameHeader,
  OPCODE,
} from '../shared/websocket-framing.js';

/** Called per complete message (text/binary, reassembled) and per control frame. */
export type FrameHandler = (opcode: number, buf: Buffer, start: number, end: number) => void;

export type FrameError = 'FRAME_TOO_LARGE' | 'MASK_MISMATCH' | 'BAD_CONTINUATION' | 'BAD_CONTROL_FRAME';

export interface FrameReaderOptions {
  /** Frames from clients are masked, frames from servers are not (RFC 6455 §5.1). */
  masked: boolean;
  /** Largest message accepted, in bytes; larger is an error, so hostile peers cannot grow memory. */
  maxMessage: number;
}

export class FrameReader {
  /** Bytes of an incomplete frame, kept until `needed` bytes are there. */
  private parts: Buffer[] = [];
  private partsLength = 0;
  private needed = 0;
  private fragments: Buffer[] | null = null;
  private fragmentsLength = 0;
  private fragmentOpcode = 0;
  /** The header of the frame being looked at (one object, reused). */
  private readonly header = newFrameHeader();
  /** Set after the first protocol error; the reader then ignores everything. */
  error: FrameError | null = null;

  constructor(
    private readonly options: FrameReaderOptions,
    private readonly onMessage: FrameHandler,
  ) {}

  /** Feeds received bytes; returns the error code once the stream is invalid. */
  push(chunk: Buffer): FrameError | null {
    if (this.error) return this.error;
    let buf = chunk;
    if (this.partsLength > 0) {
      this.parts.push(chunk);
      this.partsLength += chunk.length;
      if (this.partsLength < this.needed) return null;
      buf = Buffer.concat(this.parts, this.partsLength);
      this.parts = [];
      this.partsLength = 0;
    }
    const length = buf.length;
    let pos = 0;
    while (pos < length) {
      const need = this.frameSize(buf, pos);
      if (this.error) return this.error;
      if (need === 0 || pos + need > length) {
        // Incomplete header (need 0: retry on any new bytes) or incomplete payload.
        this.needed = need === 0 ? 1 : need;
        this.parts.push(buf.subarray(pos));
        this.partsLength = length - pos;
        // A tiny tail kept from a big chunk would pin the whole chunk: copy it out.
        if (this.partsLength < 4096 && buf.length > 65536) this.parts[0] = Buffer.from(this.parts[0]!);
        return null;
      }
      this.consume(buf, pos);
      if (this.error) return this.error;
      pos += need;
    }
    return null;
  }

  /** Bytes the frame at pos occupies (header + payload), or 0 if its header is incomplete. Leaves
   * the decoded header in `this.header` for consume(). */
  private frameSize(buf: Buffer, pos: number): number {
    const n = decodeFrameHeader(buf, pos, buf.length, this.header);
    if (n === HEADER_NEEDS_MORE) return 0;
    const h = this.header;
    if (n === HEADER_LENGTH_IMPOSSIBLE) {
      this.error = 'FRAME_TOO_LARGE';
      return 0;
    }
    if (isControlOpcode(h.opcode) && (h.length > MAX_CONTROL_PAYLOAD || !h.fin)) {
      this.error = 'BAD_CONTROL_FRAME';
      return 0;
    }
    if (h.masked !== this.options.masked) {
      this.error = 'MASK_MISMATCH';
      return 0;
    }
    if (h.length + this.fragmentsLength > this.options.maxMessage) {
      this.error = 'FRAME_TOO_LARGE';
      return 0;
    }
    return n + h.length;
  }

  /** The frame at pos, whose header frameSize() just decoded and whose bytes are all there. */
  private consume(buf: Buffer, pos: number): void {
    const { opcode, fin, length, masked, maskKey, headerLength } = this.header;
    const at = pos + headerLength;
    const end = at + length;
    if (masked) maskInPlace(buf, at, end, maskKey, 0);
    if (isControlOpcode(opcode)) {
      this.onMessage(opcode, buf, at, end);
      return;
    }
    if (opcode === OPCODE.CONTINUATION) {
      if (!this.fragments) {
        this.error = 'BAD_CONTINUATION';
        return;
      }
      this.fragments.push(Buffer.from(buf.subarray(at, end)));
      this.fragmentsLength += length;
      if (fin) {
        const whole = Buffer.concat(this.fragments, this.fragmentsLength);
        this.fragments = null;
        this.fragmentsLength = 0;
        this.onMessage(this.fragmentOpcode, whole, 0, whole.length);
      }
      return;
    }
    if (this.fragments) {
      this.error = 'BAD_CONTINUATION';
      return;
    }
    if (fin) {
      this.onMessage(opcode, buf, at, end);
      return;
    }
    this.fragments = [Buffer.from(buf.subarray(at, end))];
    this.fragmentsLength = length;
    this.fragmentOpcode = opcode;
  }
}
