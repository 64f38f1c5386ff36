// TLS record layer (RFC 8446 §5.1, RFC 5246 §6.2) for one direction, as a push parser: bytes
// arrive in any chunking, records come out whole. A record is at most 2^14 + 2048 bytes, so the
// bytes held between pushes are bounded by one header and one record; a length beyond that, or
// a content type TLS does not have, means the stream is not (or no longer) TLS and the parser
// stops for good.

export const CONTENT_CHANGE_CIPHER_SPEC = 20;
export const CONTENT_ALERT = 21;
export const CONTENT_HANDSHAKE = 22;
export const CONTENT_APPLICATION_DATA = 23;
export const CONTENT_HEARTBEAT = 24;

/** Largest TLSCiphertext fragment (RFC 5246 §6.2.3: 2^14 + 2048). */
export const MAX_RECORD_FRAGMENT = 16384 + 2048;
export const RECORD_HEADER_BYTES = 5;

export interface TlsRecord {
  contentType: number;
  /** legacy_record_version (0x0301 … 0x0303). */
  version: number;
  /** The fragment; a view into the pushed bytes or a private copy, valid after the call. */
  fragment: Buffer;
}

export interface RecordParser {
  /** Feeds bytes; returns the records completed by them (possibly none). */
  push(bytes: Buffer): TlsRecord[];
  /** Bytes of an unfinished record held until more arrive. */
  readonly pendingBytes: number;
  /** Set (with a reason) once the stream stopped looking like TLS records. */
  readonly failure: string | undefined;
}

/** Does this 5-byte header look like a TLS record? Returns a reason when it does not. */
export function checkRecordHeader(type: number, major: number, length: number): string | undefined {
  if (type < CONTENT_CHANGE_CIPHER_SPEC || type > CONTENT_HEARTBEAT) return `content type ${type} is not TLS`;
  if (major !== 3) return `record version major ${major} is not TLS`;
  if (length > MAX_RECORD_FRAGMENT) return `record length ${length} exceeds ${MAX_RECORD_FRAGMENT}`;
  return undefined;
}

export function createRecordParser(): RecordParser {
  let pending: Buffer = Buffer.alloc(0);
  let failure: string | undefined;

  function push(input: Buffer): TlsRecord[] {
    const out: TlsRecord[] = [];
    if (failure !== undefined || input.length === 0) return out;
    const joined = pending.length ? Buffer.concat([pending, input]) : input;
    let pos = 0;
    while (joined.length - pos >= RECORD_HEADER_BYTES) {
      const type = joined[pos]!;
      const length = joined.readUInt16BE(pos + 3);
      const bad = checkRecordHeader(type, joined[pos + 1]!, length);
      if (bad !== undefined) {
        failure = bad;
        pending = Buffer.alloc(0);
        return out;
      }
      const end = pos + RECORD_HEADER_BYTES + length;
      if (end > joined.length) break;
      out.push({
        contentType: type,
        version: joined.readUInt16BE(pos + 1),
        fragment: joined.subarray(pos + RECORD_HEADER_BYTES, end),
      });
      pos = end;
    }
    // Keep the unfinished tail as a copy: the caller's buffer may be reused.
    pending = pos < joined.length ? Buffer.from(joined.subarray(pos)) : Buffer.alloc(0);
    return out;
  }

  return {
    push,
    get pendingBytes() {
      return pending.length;
    },
    get failure() {
      return failure;
    },
  };
}
