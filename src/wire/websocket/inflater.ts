// permessage-deflate (RFC 7692) for one direction of a connection. Each message is inflated
// synchronously with raw DEFLATE after appending 00 00 ff ff; with context takeover, the
// sender's sliding window continues across messages, which we reproduce by passing the last
// window-size bytes of this direction's earlier output as the inflate dictionary.
import { constants, inflateRawSync } from 'node:zlib';

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
  inflate(compressed: Buffer): InflateResult;
  /** The earlier output is unknown (gap, capture started mid-stream, failure): start afresh. */
  forgetWindow(): void;
}

const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);
const RATIO_ALLOWANCE = 1024 * 1024;

export function createInflater(options: InflaterOptions): Inflater {
  const windowSize = 1 << Math.min(15, Math.max(8, options.windowBits));
  let window: Buffer = Buffer.alloc(0);

  function run(input: Buffer, limit: number): Buffer {
    return inflateRawSync(input, {
      // A bigger window than the sender's reads its stream just as well; 15 avoids zlib's
      // special case for raw streams with 8 window bits.
      windowBits: 15,
      // The message ends with a sync flush, not a final block.
      finishFlush: constants.Z_SYNC_FLUSH,
      maxOutputLength: Math.max(1, limit),
      ...(window.length ? { dictionary: window } : {}),
    });
  }

  function remember(output: Buffer): void {
    if (options.noContextTakeover) return;
    const joined = output.length >= windowSize ? output : Buffer.concat([window, output]);
    window = Buffer.from(joined.subarray(Math.max(0, joined.length - windowSize)));
  }

  function inflate(compressed: Buffer): InflateResult {
    const input = Buffer.concat([compressed, TAIL]);
    const limit = Math.min(
      options.maxOutputBytes,
      Math.max(RATIO_ALLOWANCE, compressed.length * options.maxRatio),
    );
    try {
      const data = run(input, limit);
      remember(data);
      return { kind: 'ok', data };
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code !== 'ERR_BUFFER_TOO_LARGE') {
        window = Buffer.alloc(0);
        return { kind: 'failed', message: (err as Error).message };
      }
    }
    // Too large: keep a prefix by inflating ever shorter prefixes of the input (a few tries),
    // then forget the window, since the sender's now holds output we did not keep.
    let prefix: Buffer = Buffer.alloc(0);
    for (let n = compressed.length >> 1, tries = 0; n > 0 && tries < 6; n >>= 1, tries++) {
      try {
        prefix = run(compressed.subarray(0, n), limit);
        break;
      } catch {
        // still too large (or undecodable): try a shorter prefix
      }
    }
    window = Buffer.alloc(0);
    return { kind: 'limit', data: prefix, limit };
  }

  return {
    inflate,
    forgetWindow() {
      window = Buffer.alloc(0);
    },
  };
}
