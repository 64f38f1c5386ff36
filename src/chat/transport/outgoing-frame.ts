// Server → client WebSocket framing, done once per distinct payload. The hub hands every member
// of a room the same Buffer; FrameCache remembers the last few payloads it framed, so a broadcast
// to n users costs one frame header and one copy, not n (what `ws.send` would do per socket).
import { frameHeaderLength, OPCODE, writeFrameHeader } from '../../shared/websocket-framing.js';

/** One unmasked, unfragmented text frame holding the whole payload (RFC 6455 §5.2). */
export function encodeTextFrame(payload: Buffer): Buffer {
  const n = payload.length;
  const out = Buffer.allocUnsafe(frameHeaderLength(n, false) + n);
  payload.copy(out, writeFrameHeader(out, 0, true, false, OPCODE.TEXT, n, undefined));
  return out;
}

/**
 * The frames of the last few payloads, by identity. A broadcast interleaves at most one payload
 * per dialect (three), so four slots always hit while one broadcast is handed out; payloads sent
 * to one user only are framed once and soon forgotten (no per-user memory, no WeakMap churn).
 */
export class FrameCache {
  private readonly payloads: (Buffer | undefined)[] = [undefined, undefined, undefined, undefined];
  private readonly frames: (Buffer | undefined)[] = [undefined, undefined, undefined, undefined];
  private next = 0;

  frame(payload: Buffer): Buffer {
    const payloads = this.payloads;
    for (let i = 0; i < 4; i++) if (payloads[i] === payload) return this.frames[i]!;
    const frame = encodeTextFrame(payload);
    payloads[this.next] = payload;
    this.frames[this.next] = frame;
    this.next = (this.next + 1) & 3;
    return frame;
  }

  /** Lets go of the remembered payloads (called once per flush, so nothing is kept for long). */
  clear(): void {
    this.payloads.fill(undefined);
    this.frames.fill(undefined);
  }
}
