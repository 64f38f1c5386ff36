// WebSocket framing (RFC 6455 §5), written once for both halves: the chat server and the bench
// build frames with it, the wire decoder and the bench's reader parse them with it. Opcodes and
// close codes with their names, the frame header encoded into a caller's buffer and decoded
// bounds first, and masking. Nothing here allocates from a length read off the wire.

import { maskInPlace } from './websocket-masking.js';

export {
  maskInPlace,
  unmaskIntoWords,
  unmask,
  unmaskRange,
  unmaskRangeAt,
  maskHex,
} from './websocket-masking.js';

/** Frame opcodes (§5.2). 3–7 and 11–15 are reserved. */
export const OPCODE = {
  CONTINUATION: 0x0,
  TEXT: 0x1,
  BINARY: 0x2,
  CLOSE: 0x8,
  PING: 0x9,
  PONG: 0xa,
} as const;

export const OPCODE_NAMES: Readonly<Record<number, string>> = {
  0: 'continuation',
  1: 'text',
  2: 'binary',
  8: 'close',
  9: 'ping',
  10: 'pong',
};

export function opcodeName(opcode: number): string {
  return OPCODE_NAMES[opcode] ?? `reserved opcode ${opcode}`;
}

/** Close, ping and pong: at most 125 bytes, never fragmented (§5.5). */
export const isControlOpcode = (opcode: number): boolean => opcode >= 0x8;
/** Whether the opcode is one RFC 6455 defines (the others are reserved). */
export const isDefinedOpcode = (opcode: number): boolean => opcode <= 0x2 || (opcode >= 0x8 && opcode <= 0xa);
/** Longest payload of a control frame. */
export const MAX_CONTROL_PAYLOAD = 125;

/** Close codes (§7.4.1 and IANA's registry), and the application codes wirechat sends. */
export const CLOSE = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  PROTOCOL_ERROR: 1002,
  UNSUPPORTED_DATA: 1003,
  NO_STATUS: 1005,
  ABNORMAL: 1006,
  INVALID_PAYLOAD: 1007,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  MANDATORY_EXTENSION: 1010,
  INTERNAL_ERROR: 1011,
  SERVICE_RESTART: 1012,
  TRY_AGAIN_LATER: 1013,
  BAD_GATEWAY: 1014,
  TLS_HANDSHAKE: 1015,
  /** wirechat: no login in time after the connection opened (after HTTP's 408). */
  LOGIN_TIMEOUT: 4408,
  /** wirechat: the same session token was presented on a newer connection (another tab). */
  SESSION_MOVED: 4409,
} as const;

/** The registry's short names of the standard close codes, as the views print them. */
export const CLOSE_CODE_NAMES: Readonly<Record<number, string>> = {
  1000: 'normal closure',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1005: 'no status',
  1006: 'abnormal closure',
  1007: 'invalid payload data',
  1008: 'policy violation',
  1009: 'message too big',
  1010: 'mandatory extension',
  1011: 'internal error',
  1012: 'service restart',
  1013: 'try again later',
  1014: 'bad gateway',
  1015: 'TLS handshake failure',
};

/** What each code means when a peer sends it (wirechat's own codes included). */
export const CLOSE_CODE_MEANINGS: Readonly<Record<number, string>> = {
  1000: 'the purpose of the connection was fulfilled',
  1001: 'the endpoint is going away (server shutting down, page left, idle timeout)',
  1002: 'the peer broke the protocol',
  1003: 'the peer sent a kind of data the endpoint cannot accept',
  1005: 'no status code was present (never sent in a close frame)',
  1006: 'the connection dropped without a close frame (never sent in a close frame)',
  1007: 'a message held data inconsistent with its type (text that is not UTF-8)',
  1008: 'a message broke the endpoint’s policy (too many messages)',
  1009: 'a message was too big to process',
  1010: 'the server did not negotiate an extension the client requires',
  1011: 'the server met an unexpected condition',
  1012: 'the server is restarting',
  1013: 'the server is overloaded: try again later',
  1014: 'a gateway got an invalid answer from upstream',
  1015: 'the TLS handshake failed (never sent in a close frame)',
  4408: 'no login in time after the connection opened',
  4409: 'the session moved to a newer connection',
};

/** Status codes an endpoint may send in a close frame (§7.4). */
export function isValidCloseCode(code: number): boolean {
  if (code >= 3000 && code <= 4999) return true;
  return code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006;
}

/** A decoded frame header. */
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

export const newFrameHeader = (): FrameHeader => ({
  fin: false,
  rsv1: false,
  rsv2: false,
  rsv3: false,
  opcode: 0,
  masked: false,
  maskKey: 0,
  length: 0,
  headerLength: 0,
});

/** Longest header: 2 bytes, a 64-bit length and a mask key. */
export const MAX_HEADER_BYTES = 14;
/** Largest length a 64-bit field may carry and still be a safe JS integer. */
export const MAX_FRAME_LENGTH = Number.MAX_SAFE_INTEGER;

/** decodeFrameHeader's answer when the header is not all there yet. */
export const HEADER_NEEDS_MORE = 0;
/** decodeFrameHeader's answer for a 64-bit length beyond 2^53 - 1: no frame can follow. */
export const HEADER_LENGTH_IMPOSSIBLE = -1;

/** Header length implied by the second header byte (its mask bit and 7-bit length). */
export function headerLengthFor(b1: number): number {
  const len7 = b1 & 0x7f;
  return 2 + (len7 === 126 ? 2 : len7 === 127 ? 8 : 0) + (b1 & 0x80 ? 4 : 0);
}

/**
 * Decodes the header at `buf[at]`, looking no further than `end`, into `into` (reused by the
 * caller: no object per frame). Returns the header length, HEADER_NEEDS_MORE when fewer bytes
 * than the header are there, or HEADER_LENGTH_IMPOSSIBLE (`into.length` is then meaningless).
 */
export function decodeFrameHeader(buf: Uint8Array, at: number, end: number, into: FrameHeader): number {
  if (end - at < 2) return HEADER_NEEDS_MORE;
  const b0 = buf[at]!;
  const b1 = buf[at + 1]!;
  const headerLength = headerLengthFor(b1);
  if (end - at < headerLength) return HEADER_NEEDS_MORE;
  const len7 = b1 & 0x7f;
  let length = len7;
  let p = at + 2;
  if (len7 === 126) {
    length = (buf[p]! << 8) | buf[p + 1]!;
    p += 2;
  } else if (len7 === 127) {
    const hi = readU32(buf, p);
    if (hi > 0x1fffff) return HEADER_LENGTH_IMPOSSIBLE;
    length = hi * 0x100000000 + readU32(buf, p + 4);
    p += 8;
  }
  const masked = (b1 & 0x80) !== 0;
  into.fin = (b0 & 0x80) !== 0;
  into.rsv1 = (b0 & 0x40) !== 0;
  into.rsv2 = (b0 & 0x20) !== 0;
  into.rsv3 = (b0 & 0x10) !== 0;
  into.opcode = b0 & 0x0f;
  into.masked = masked;
  into.maskKey = masked ? readU32(buf, p) : 0;
  into.length = length;
  into.headerLength = headerLength;
  return headerLength;
}

/** Whether a decoded header's length was written in the shortest form that holds it (§5.2
 * requires it; a resynchronising reader takes anything else as "not a header"). */
export function isMinimalLength(header: FrameHeader): boolean {
  const form = header.headerLength - (header.masked ? 4 : 0);
  if (form === 4) return header.length >= 126;
  if (form === 10) return header.length >= 65536;
  return true;
}

const readU32 = (buf: Uint8Array, p: number): number =>
  ((buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!) >>> 0;

/** What a frame header says; `mask` present = masked (a client frame), as a big-endian u32. */
export interface FrameHeaderSpec {
  opcode: number;
  length: number;
  fin?: boolean;
  rsv1?: boolean;
  mask?: number | undefined;
}

/** Header bytes a frame of `length` takes (2..14). */
export function frameHeaderLength(length: number, masked: boolean): number {
  return (length < 126 ? 2 : length < 65536 ? 4 : 10) + (masked ? 4 : 0);
}

/** Writes the header into `into` at `at` (room for frameHeaderLength bytes); returns its length. */
export function encodeFrameHeader(into: Uint8Array, at: number, spec: FrameHeaderSpec): number {
  return writeFrameHeader(
    into,
    at,
    spec.fin !== false,
    spec.rsv1 === true,
    spec.opcode,
    spec.length,
    spec.mask,
  );
}

/** encodeFrameHeader with its fields as arguments (no object on the per-frame path). */
export function writeFrameHeader(
  into: Uint8Array,
  at: number,
  fin: boolean,
  rsv1: boolean,
  opcode: number,
  length: number,
  mask: number | undefined,
): number {
  into[at] = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
  const maskBit = mask !== undefined ? 0x80 : 0;
  let p = at + 2;
  if (length < 126) into[at + 1] = maskBit | length;
  else if (length < 65536) {
    into[at + 1] = maskBit | 126;
    into[p] = length >>> 8;
    into[p + 1] = length & 0xff;
    p += 2;
  } else {
    into[at + 1] = maskBit | 127;
    writeU32(into, p, Math.floor(length / 0x100000000));
    writeU32(into, p + 4, length >>> 0);
    p += 8;
  }
  if (mask !== undefined) {
    writeU32(into, p, mask);
    p += 4;
  }
  return p - at;
}

function writeU32(into: Uint8Array, p: number, v: number): void {
  into[p] = v >>> 24;
  into[p + 1] = (v >>> 16) & 0xff;
  into[p + 2] = (v >>> 8) & 0xff;
  into[p + 3] = v & 0xff;
}

/** A whole frame: header, then the payload (masked when `spec.mask` is given). */
export function encodeFrame(payload: Buffer, spec: Omit<FrameHeaderSpec, 'length'>): Buffer {
  const n = payload.length;
  const mask = spec.mask;
  const out = Buffer.allocUnsafe(frameHeaderLength(n, mask !== undefined) + n);
  const at = writeFrameHeader(out, 0, spec.fin !== false, spec.rsv1 === true, spec.opcode, n, mask);
  payload.copy(out, at);
  if (mask !== undefined) maskInPlace(out, at, at + n, mask, 0);
  return out;
}
