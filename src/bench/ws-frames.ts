// WebSocket framing helpers shared by the load generator's client and the limit baseline server.
// Client frames must be masked with a fresh random key each (RFC 6455 §5.3); keys come from a
// pre-filled random pool so masking costs no syscall per frame.
import { createHash, randomBytes, randomFillSync } from 'node:crypto';

export const OP_CONTINUATION = 0x0;
export const OP_TEXT = 0x1;
export const OP_BINARY = 0x2;
export const OP_CLOSE = 0x8;
export const OP_PING = 0x9;
export const OP_PONG = 0xa;

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

function headerLength(payloadLength: number, masked: boolean): number {
  const base = payloadLength < 126 ? 2 : payloadLength < 65536 ? 4 : 10;
  return masked ? base + 4 : base;
}

function writeHeader(out: Buffer, opcode: number, payloadLength: number, masked: boolean): number {
  out[0] = 0x80 | opcode;
  const maskBit = masked ? 0x80 : 0;
  if (payloadLength < 126) {
    out[1] = maskBit | payloadLength;
    return 2;
  }
  if (payloadLength < 65536) {
    out[1] = maskBit | 126;
    out.writeUInt16BE(payloadLength, 2);
    return 4;
  }
  out[1] = maskBit | 127;
  out.writeUInt32BE(Math.floor(payloadLength / 2 ** 32), 2);
  out.writeUInt32BE(payloadLength >>> 0, 6);
  return 10;
}

/** One unmasked (server → client) frame holding the whole payload. */
export function encodeServerFrame(payload: Buffer, opcode = OP_TEXT): Buffer {
  const out = Buffer.allocUnsafe(headerLength(payload.length, false) + payload.length);
  const at = writeHeader(out, opcode, payload.length, false);
  payload.copy(out, at);
  return out;
}

const KEY_POOL_SIZE = 64 * 1024;
let keyPool = randomFillSync(Buffer.allocUnsafe(KEY_POOL_SIZE));
let keyAt = 0;

/** Copies the next random 4-byte mask key into out at offset. */
function takeMaskKey(out: Buffer, offset: number): void {
  if (keyAt + 4 > KEY_POOL_SIZE) {
    keyPool = randomFillSync(Buffer.allocUnsafe(KEY_POOL_SIZE));
    keyAt = 0;
  }
  out[offset] = keyPool[keyAt]!;
  out[offset + 1] = keyPool[keyAt + 1]!;
  out[offset + 2] = keyPool[keyAt + 2]!;
  out[offset + 3] = keyPool[keyAt + 3]!;
  keyAt += 4;
}

/** XORs data[start, end) with the 4-byte key found at key[keyAt]. */
export function applyMask(data: Buffer, start: number, end: number, key: Buffer, keyOffset: number): void {
  const k0 = key[keyOffset]!;
  const k1 = key[keyOffset + 1]!;
  const k2 = key[keyOffset + 2]!;
  const k3 = key[keyOffset + 3]!;
  let i = start;
  for (; i + 3 < end; i += 4) {
    data[i] = data[i]! ^ k0;
    data[i + 1] = data[i + 1]! ^ k1;
    data[i + 2] = data[i + 2]! ^ k2;
    data[i + 3] = data[i + 3]! ^ k3;
  }
  const keys = [k0, k1, k2, k3];
  for (let j = 0; i < end; i++, j++) data[i] = data[i]! ^ keys[j]!;
}

/** One masked (client → server) frame with a fresh random key. */
export function encodeClientFrame(payload: Buffer, opcode = OP_TEXT): Buffer {
  const out = Buffer.allocUnsafe(headerLength(payload.length, true) + payload.length);
  const keyOffset = writeHeader(out, opcode, payload.length, true);
  takeMaskKey(out, keyOffset);
  const start = keyOffset + 4;
  payload.copy(out, start);
  applyMask(out, start, out.length, out, keyOffset);
  return out;
}

/**
 * A pool of pre-built masked frames of one payload, each with its own random key, handed out in
 * turn: repeated small frames (logins, pongs) cost a lookup instead of a masking pass.
 */
export class MaskedFramePool {
  private readonly frames: Buffer[];
  private next = 0;
  constructor(payload: Buffer, size = 64, opcode = OP_TEXT) {
    this.frames = Array.from({ length: size }, () => encodeClientFrame(payload, opcode));
  }
  take(): Buffer {
    const frame = this.frames[this.next]!;
    this.next = (this.next + 1) % this.frames.length;
    return frame;
  }
}
