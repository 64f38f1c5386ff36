// Finding frame boundaries in a byte stream whose start was not seen (capture began mid-stream,
// or bytes were lost). A boundary is an offset where a chain of plausible frame headers begins:
// valid opcodes, RSV bits consistent with the extension, one mask bit for the whole chain,
// minimal length encodings, fragments in a legal order, and lengths that land exactly on the
// next header or on the end of what has arrived.
import {
  decodeFrameHeader,
  HEADER_LENGTH_IMPOSSIBLE,
  HEADER_NEEDS_MORE,
  isControlOpcode,
  isDefinedOpcode,
  isMinimalLength,
  MAX_CONTROL_PAYLOAD,
  newFrameHeader,
  OPCODE,
} from '../../shared/websocket-framing.js';

export interface SyncCandidate {
  offset: number;
  /** Whether the chain's frames are masked (i.e. sent by the client). */
  masked: boolean;
}

export interface SyncOptions {
  /** RSV1 may be set on a message's first frame (permessage-deflate, negotiated or guessed). */
  allowRsv1: boolean;
  /** The whole stream has arrived: a single frame that ends exactly at the end is enough. */
  final: boolean;
}

type Step =
  | { kind: 'frame'; size: number; masked: boolean; fin: boolean; opcode: number }
  | { kind: 'short' }
  | { kind: 'bad' };

const SHORT: Step = { kind: 'short' };
const BAD: Step = { kind: 'bad' };
/** Reused for every header judged (the step keeps what it needs). */
const header = newFrameHeader();

/** Reads a header at `p` and judges whether it could be a real one. */
function readHeader(buf: Buffer, p: number, allowRsv1: boolean): Step {
  if (buf.length - p < 2) return SHORT;
  const b0 = buf[p]!;
  const opcode = b0 & 0x0f;
  const fin = (b0 & 0x80) !== 0;
  if (b0 & 0x30) return BAD;
  const control = isControlOpcode(opcode);
  if (!isDefinedOpcode(opcode) || (control && !fin)) return BAD;
  if (b0 & 0x40 && !(allowRsv1 && (opcode === OPCODE.TEXT || opcode === OPCODE.BINARY))) return BAD;
  if (control && (buf[p + 1]! & 0x7f) > MAX_CONTROL_PAYLOAD) return BAD;
  const n = decodeFrameHeader(buf, p, buf.length, header);
  if (n === HEADER_NEEDS_MORE) return SHORT;
  if (n === HEADER_LENGTH_IMPOSSIBLE || !isMinimalLength(header)) return BAD;
  return { kind: 'frame', size: n + header.length, masked: header.masked, fin, opcode };
}

/**
 * Judges the chain starting at `offset`: 'accept' when convincing, 'wait' when more bytes could
 * make it so, 'reject' when it cannot be a boundary.
 */
function judge(buf: Buffer, offset: number, options: SyncOptions): 'accept' | 'wait' | 'reject' {
  let p = offset;
  let frames = 0;
  let masked: boolean | undefined;
  let inMessage: boolean | undefined; // unknown for the first frame of the chain
  while (true) {
    if (p === buf.length) {
      if (frames >= 2 || (options.final && frames >= 1)) return 'accept';
      return options.final ? 'reject' : 'wait';
    }
    const step = readHeader(buf, p, options.allowRsv1);
    if (step.kind === 'bad') return 'reject';
    if (step.kind === 'short') return frames >= 3 ? 'accept' : options.final ? 'reject' : 'wait';
    if (masked !== undefined && step.masked !== masked) return 'reject';
    masked = step.masked;
    if (step.opcode < 8) {
      if (inMessage === true && step.opcode !== 0) return 'reject';
      if (inMessage === false && step.opcode === 0) return 'reject';
      inMessage = !step.fin;
    }
    if (p + step.size > buf.length) {
      // The last frame continues beyond what has arrived.
      return frames >= 3 ? 'accept' : options.final ? 'reject' : 'wait';
    }
    p += step.size;
    frames++;
  }
}

/**
 * The first offset where a convincing chain begins, 'wait' when none is convincing yet but one
 * might become so with more bytes, or undefined when no offset can be a boundary.
 */
export function findFrameBoundary(buf: Buffer, options: SyncOptions): SyncCandidate | 'wait' | undefined {
  let waiting = false;
  for (let offset = 0; offset < buf.length; offset++) {
    const verdict = judge(buf, offset, options);
    if (verdict === 'accept') return { offset, masked: (buf[offset + 1]! & 0x80) !== 0 };
    if (verdict === 'wait') waiting = true;
  }
  return waiting ? 'wait' : undefined;
}
