// WebSocket framing helpers shared by the load generator's client and the limit baseline server.
// Client frames must be masked with a fresh random key each (RFC 6455 §5.3); keys come from a
// pre-filled random pool so masking costs no syscall per frame.
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { frameHeaderLength, maskInPlace, OPCODE, writeFrameHeader } from '../shared/websocket-framing.js';

export const OP_CONTINUATION = OPCODE.CONTINUATION;
export const OP_TEXT = OPCODE.TEXT;
export const OP_BINARY = OPCODE.BINARY;
export const OP_CLOSE = OPCODE.CLOSE;
export const OP_PING = OPCODE.PING;
export const OP_PONG = OPCODE.PONG;

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The Sec-WebSocket-Accept value a server must answer for a client's key. */
export function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

/** A fresh Sec-WebSocket-Key (16 random bytes, base64). */
export function newClientKey(): string {
  return randomBytes(16).toString('base64');
}

/** One unmasked (server → client) frame holding the whole payload. */
export function encodeServerFrame(payload: Buffer, opcode: number = OP_TEXT): Buffer {
  const out = Buffer.allocUnsafe(frameHeaderLength(payload.length, false) + payload.length);
  payload.copy(out, writeFrameHeader(out, 0, true, false, opcode, payload.length, undefined));
  return out;
}

const KEY_POOL_SIZE = 64 * 1024;
let keyPool = randomFillSync(Buffer.allocUnsafe(KEY_POOL_SIZE));
let keyAt = 0;

/** The next random mask key (4 bytes, big-endian). */
function takeMaskKey(): number {
  if (keyAt + 4 > KEY_POOL_SIZE) {
    keyPool = randomFillSync(Buffer.allocUnsafe(KEY_POOL_SIZE));
    keyAt = 0;
  }
  const key = keyPool.readUInt32BE(keyAt);
  keyAt += 4;
  return key;
}

/** One masked (client → server) frame with a fresh random key. */
export function encodeClientFrame(payload: Buffer, opcode: number = OP_TEXT): Buffer {
  const n = payload.length;
  const mask = takeMaskKey();
  const out = Buffer.allocUnsafe(frameHeaderLength(n, true) + n);
  const start = writeFrameHeader(out, 0, true, false, opcode, n, mask);
  payload.copy(out, start);
  maskInPlace(out, start, start + n, mask, 0);
  return out;
}

/**
 * A pool of pre-built masked frames of one payload, each with its own random key, handed out in
 * turn: repeated small frames (logins, pongs) cost a lookup instead of a masking pass.
 */
export class MaskedFramePool {
  private readonly frames: Buffer[];
  private next = 0;
  constructor(payload: Buffer, size = 64, opcode: number = OP_TEXT) {
    this.frames = Array.from({ length: size }, () => encodeClientFrame(payload, opcode));
  }
  take(): Buffer {
    const frame = this.frames[this.next]!;
    this.next = (this.next + 1) % this.frames.length;
    return frame;
  }
}
