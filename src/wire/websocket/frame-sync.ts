// Finding frame boundaries in a byte stream whose start was not seen (capture began mid-stream,
// or bytes were lost). A boundary is an offset where a chain of plausible frame headers begins:
// valid opcodes, RSV bits consistent with the extension, one mask bit for the whole chain,
// minimal length encodings, fragments in a legal order, and lengths that land exactly on the
// next header or on the end of what has arrived.

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

/** Reads a header at `p` and judges whether it could be a real one. */
function readHeader(buf: Buffer, p: number, allowRsv1: boolean): Step {
  if (buf.length - p < 2) return { kind: 'short' };
  const b0 = buf[p];
  const b1 = buf[p + 1];
  const opcode = b0 & 0x0f;
  const fin = (b0 & 0x80) !== 0;
  if (b0 & 0x30) return { kind: 'bad' };
  const control = opcode >= 8;
  if (control ? opcode > 10 || !fin : opcode > 2) return { kind: 'bad' };
  if (b0 & 0x40 && !(allowRsv1 && (opcode === 1 || opcode === 2))) return { kind: 'bad' };
  const masked = (b1 & 0x80) !== 0;
  const len7 = b1 & 0x7f;
  if (control && len7 > 125) return { kind: 'bad' };
  let length = len7;
  let headerLength = 2;
  if (len7 === 126) {
    if (buf.length - p < 4) return { kind: 'short' };
    length = buf.readUInt16BE(p + 2);
    if (length < 126) return { kind: 'bad' };
    headerLength = 4;
  } else if (len7 === 127) {
    if (buf.length - p < 10) return { kind: 'short' };
    const hi = buf.readUInt32BE(p + 2);
    if (hi > 0x1fffff) return { kind: 'bad' };
    length = hi * 0x100000000 + buf.readUInt32BE(p + 6);
    if (length < 65536) return { kind: 'bad' };
    headerLength = 10;
  }
  return { kind: 'frame', size: headerLength + (masked ? 4 : 0) + length, masked, fin, opcode };
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
    if (verdict === 'accept') return { offset, masked: (buf[offset + 1] & 0x80) !== 0 };
    if (verdict === 'wait') waiting = true;
  }
  return waiting ? 'wait' : undefined;
}
