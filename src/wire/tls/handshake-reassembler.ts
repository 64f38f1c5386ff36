// Handshake messages (RFC 8446 §4, 4-byte header: type and 24-bit length) out of handshake
// record fragments: one message may span records, one record may hold several messages. A
// message longer than the limit is refused up front from its header, so nothing is buffered for
// it.

export interface HandshakeMessage {
  type: number;
  body: Buffer;
}

export const DEFAULT_MAX_HANDSHAKE_BYTES = 256 * 1024;

export interface HandshakeReassembler {
  /** Feeds one record's fragment; returns the completed messages, or an error message (then stopped). */
  push(fragment: Buffer): HandshakeMessage[] | string;
  /** True when no partial message is held (key changes happen on message boundaries). */
  readonly atBoundary: boolean;
  /** Bytes of a partial message held until the rest arrives. */
  readonly pendingBytes: number;
}

export function createHandshakeReassembler(
  maxMessageBytes = DEFAULT_MAX_HANDSHAKE_BYTES,
): HandshakeReassembler {
  let pending: Buffer = Buffer.alloc(0);
  let failed = false;

  return {
    push(fragment) {
      if (failed) return [];
      const joined = pending.length ? Buffer.concat([pending, fragment]) : fragment;
      const out: HandshakeMessage[] = [];
      let pos = 0;
      while (joined.length - pos >= 4) {
        const length = (joined[pos + 1]! << 16) | joined.readUInt16BE(pos + 2);
        if (length > maxMessageBytes) {
          failed = true;
          pending = Buffer.alloc(0);
          return `handshake message of ${length} bytes exceeds the ${maxMessageBytes}-byte limit (--tls-max-handshake-bytes)`;
        }
        if (pos + 4 + length > joined.length) break;
        out.push({ type: joined[pos]!, body: Buffer.from(joined.subarray(pos + 4, pos + 4 + length)) });
        pos += 4 + length;
      }
      pending = pos < joined.length ? Buffer.from(joined.subarray(pos)) : Buffer.alloc(0);
      return out;
    },
    get atBoundary() {
      return pending.length === 0;
    },
    get pendingBytes() {
      return pending.length;
    },
  };
}
