// permessage-deflate (RFC 7692) for one direction of a connection. Each message is raw DEFLATE
// ending in a sync flush whose 00 00 ff ff tail the sender stripped. With context takeover the
// sender's sliding window continues across messages, so one inflate state is kept per direction
// and fed message after message, synchronously, through the zlib handle's own synchronous write
// (the path Node's zlib.*Sync functions use). This avoids building a zlib instance and copying a
// 32 KiB dictionary for every message. Where that handle is not available (another runtime),
// each message is inflated with inflateRawSync and the window passed as a dictionary.
import { constants, inflateRawSync, InflateRaw } from 'node:zlib';

export interface InflaterOptions {
  /** The sender's window bits (8..15). */
  windowBits: number;
  /** The sender resets its window after every message. */
  noContextTakeover: boolean;
  /** Largest output kept. */
  maxOutputBytes: number;
  /** Output may exceed input by at most this factor (beyond a 1 MiB allowance). */
  maxRatio: number;
}

export type InflateResult =
  | { kind: 'ok'; data: Buffer }
  /** The output exceeded a limit: `data` is a prefix (possibly empty). */
  | { kind: 'limit'; data: Buffer; limit: number }
  | { kind: 'failed'; message: string };

export interface Inflater {
  /**
   * Inflates one whole message. The returned data may be a view into a buffer inflaters
   * reuse: it is valid until the next message is inflated by any inflater (copy it to keep it).
   */
  inflate(compressed: Buffer): InflateResult;
  /** The earlier output is unknown (gap, capture started mid-stream, failure): start afresh. */
  forgetWindow(): void;
  /** Releases the inflate state (the direction is over). */
  close(): void;
  /** Memory the inflate state holds now (0 when none is open), for the memory budget. */
  readonly liveBytes: number;
}

/**
 * What an open raw-inflate stream costs: zlib's inflate state (~7 KiB) and its 32 KiB window,
 * native, plus the stream object and its handle. Measured with `node --expose-gc`: 10,000
 * inflaters kept open, each after one 72,000-byte message (window filled), grew RSS by 45.6 KB
 * each (29 KB after a 12,000-byte message: the window's pages are touched as it fills); the
 * full-window figure, rounded up.
 */
export const INFLATER_COST = 48 * 1024;

const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
const RATIO_ALLOWANCE = 1024 * 1024;
/** Output scratch kept between messages; larger messages get a buffer of their own. One for
 * all inflaters (a capture may hold thousands of compressed connections at once): results are
 * used before the next message is inflated anywhere. */
const SCRATCH_KEEP = 1024 * 1024;
const FIRST_SCRATCH = 64 * 1024;

/** The parts of Node's zlib handle the synchronous path uses (internal, so checked at run time). */
interface ZlibHandle {
  writeSync(
    flush: number,
    input: Buffer,
    inOff: number,
    inLen: number,
    out: Buffer,
    outOff: number,
    outLen: number,
  ): void;
  reset(): void;
  onerror: (message: string, errno: number) => void;
}

interface HandleStream {
  _handle: ZlibHandle | null;
  _writeState: Uint32Array;
  close(): void;
}

function limitFor(options: InflaterOptions, compressedLength: number): number {
  return Math.max(
    1,
    Math.min(options.maxOutputBytes, Math.max(RATIO_ALLOWANCE, compressedLength * options.maxRatio)),
  );
}

let handleUsable: boolean | undefined;

/** Whether this runtime's zlib stream exposes the synchronous handle (checked once). */
function canUseHandle(): boolean {
  if (handleUsable === undefined) {
    const probe = new InflateRaw({ windowBits: 15 }) as unknown as HandleStream;
    handleUsable =
      probe._handle !== null &&
      typeof probe._handle?.writeSync === 'function' &&
      typeof probe._handle.reset === 'function' &&
      probe._writeState instanceof Uint32Array;
    probe.close();
  }
  return handleUsable;
}

export function createInflater(options: InflaterOptions): Inflater {
  return canUseHandle() ? new HandleInflater(options) : new DictionaryInflater(options);
}

let sharedScratch: Buffer = Buffer.alloc(0);

/** One persistent raw-inflate state, written synchronously. */
class HandleInflater implements Inflater {
  private stream: HandleStream | null = null;
  private error: string | null = null;
  /** The state saw a message since the last reset (a reset is needed before the next one). */
  private dirty = false;

  constructor(private readonly options: InflaterOptions) {}

  private open(): HandleStream {
    // A bigger window than the sender's reads its stream just as well; 15 avoids zlib's
    // special case for raw streams with 8 window bits.
    const s = new InflateRaw({ windowBits: 15 }) as unknown as HandleStream;
    this.error = null;
    s._handle!.onerror = (message: string) => {
      this.error = message || 'invalid data';
    };
    this.stream = s;
    this.dirty = false;
    return s;
  }

  inflate(compressed: Buffer): InflateResult {
    const s = this.stream ?? this.open();
    if (this.options.noContextTakeover && this.dirty) {
      s._handle!.reset();
      this.dirty = false;
    }
    this.dirty = true;
    const limit = limitFor(this.options, compressed.length);
    let out = sharedScratch;
    if (out.length === 0) out = sharedScratch = Buffer.allocUnsafe(FIRST_SCRATCH);
    let have = 0;
    let over = false;
    const state = s._writeState;
    // The message, then the tail its sender stripped.
    for (let part = 0; part < 2 && !over; part++) {
      const input = part === 0 ? compressed : TAIL;
      let inOff = 0;
      let inLen = input.length;
      for (;;) {
        if (have === out.length) {
          // Room for one byte beyond the limit tells "exactly the limit" from "more".
          const bigger = Buffer.allocUnsafe(Math.min(Math.max(out.length * 2, FIRST_SCRATCH), limit + 1));
          out.copy(bigger, 0, 0, have);
          out = bigger;
        }
        const room = out.length - have;
        s._handle!.writeSync(constants.Z_SYNC_FLUSH, input, inOff, inLen, out, have, room);
        if (this.error !== null) {
          const message = this.error;
          this.reopen();
          return { kind: 'failed', message };
        }
        const outLeft = state[0]!;
        const inLeft = state[1]!;
        have += room - outLeft;
        inOff += inLen - inLeft;
        inLen = inLeft;
        if (have > limit) {
          over = true;
          break;
        }
        // Output space left over means zlib took all it could from this input.
        if (outLeft !== 0) break;
      }
    }
    if (out.length <= SCRATCH_KEEP) sharedScratch = out;
    if (over) {
      // The sender's window now holds output we did not keep: later messages cannot be read.
      this.reopen();
      return { kind: 'limit', data: out.subarray(0, Math.min(have, limit)), limit };
    }
    return { kind: 'ok', data: out.subarray(0, have) };
  }

  private reopen(): void {
    this.close();
  }

  get liveBytes(): number {
    return this.stream !== null ? INFLATER_COST : 0;
  }

  forgetWindow(): void {
    this.close();
  }

  close(): void {
    const s = this.stream;
    this.stream = null;
    this.dirty = false;
    if (s !== null) s.close();
  }
}

/** Fallback: inflateRawSync per message with the window as dictionary. */
class DictionaryInflater implements Inflater {
  private window: Buffer = Buffer.alloc(0);
  private readonly windowSize: number;

  constructor(private readonly options: InflaterOptions) {
    this.windowSize = 1 << Math.min(15, Math.max(8, options.windowBits));
  }

  private run(input: Buffer, limit: number): Buffer {
    const opts: Parameters<typeof inflateRawSync>[1] = {
      windowBits: 15,
      // The message ends with a sync flush, not a final block.
      finishFlush: constants.Z_SYNC_FLUSH,
      maxOutputLength: limit,
    };
    if (this.window.length) opts.dictionary = this.window;
    return inflateRawSync(input, opts);
  }

  inflate(compressed: Buffer): InflateResult {
    const input = Buffer.concat([compressed, TAIL]);
    const limit = limitFor(this.options, compressed.length);
    try {
      const data = this.run(input, limit);
      if (!this.options.noContextTakeover) {
        const joined = data.length >= this.windowSize ? data : Buffer.concat([this.window, data]);
        this.window = Buffer.from(joined.subarray(Math.max(0, joined.length - this.windowSize)));
      }
      return { kind: 'ok', data };
    } catch (err) {
      this.window = Buffer.alloc(0);
      const code = (err as { code?: string }).code;
      if (code !== 'ERR_BUFFER_TOO_LARGE') return { kind: 'failed', message: (err as Error).message };
    }
    // Too large: keep a prefix by inflating ever shorter prefixes of the input (a few tries).
    let prefix: Buffer = Buffer.alloc(0);
    for (let n = compressed.length >> 1, tries = 0; n > 0 && tries < 6; n >>= 1, tries++) {
      try {
        prefix = this.run(compressed.subarray(0, n), limit);
        break;
      } catch {
        // still too large (or undecodable): try a shorter prefix
      }
    }
    return { kind: 'limit', data: prefix, limit };
  }

  forgetWindow(): void {
    this.window = Buffer.alloc(0);
  }

  get liveBytes(): number {
    return this.window.length;
  }

  close(): void {
    this.window = Buffer.alloc(0);
  }
}
