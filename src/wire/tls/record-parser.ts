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
  /** The fragment: a view into the pushed bytes (use it before they are reused) or a private copy. */
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
  // An unfinished record: its header, then the pieces of its fragment as they arrive. Nothing is
  // allocated from the length on the wire: what is held is what was captured.
  const header = Buffer.alloc(RECORD_HEADER_BYTES);
  let headerHave = 0;
  let need = -1; // fragment length of the unfinished record, -1 while reading its header
  let pieces: Buffer[] = [];
  let have = 0;
  let failure: string | undefined;

  function fail(reason: string): void {
    failure = reason;
    pieces = [];
    have = 0;
    headerHave = 0;
    need = -1;
  }

  function finish(out: TlsRecord[], fragment: Buffer): void {
    out.push({ contentType: header[0]!, version: header.readUInt16BE(1), fragment });
    pieces = [];
    have = 0;
    headerHave = 0;
    need = -1;
  }

  function push(input: Buffer): TlsRecord[] {
    const out: TlsRecord[] = [];
    let pos = 0;
    while (failure === undefined && pos < input.length) {
      if (need >= 0) {
        const take = Math.min(need - have, input.length - pos);
        // A copy: the caller may reuse its buffer before the record completes.
        pieces.push(Buffer.from(input.subarray(pos, pos + take)));
        have += take;
        pos += take;
        if (have === need) finish(out, pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, need));
        continue;
      }
      if (headerHave === 0 && input.length - pos >= RECORD_HEADER_BYTES) {
        // Whole header here: the common case, and a whole record needs no copy at all.
        const length = input.readUInt16BE(pos + 3);
        const bad = checkRecordHeader(input[pos]!, input[pos + 1]!, length);
        if (bad !== undefined) {
          fail(bad);
          break;
        }
        const end = pos + RECORD_HEADER_BYTES + length;
        if (end <= input.length) {
          out.push({
            contentType: input[pos]!,
            version: input.readUInt16BE(pos + 1),
            fragment: input.subarray(pos + RECORD_HEADER_BYTES, end),
          });
          pos = end;
          continue;
        }
        input.copy(header, 0, pos, pos + RECORD_HEADER_BYTES);
        headerHave = RECORD_HEADER_BYTES;
        pos += RECORD_HEADER_BYTES;
      } else {
        while (headerHave < RECORD_HEADER_BYTES && pos < input.length) header[headerHave++] = input[pos++]!;
        if (headerHave < RECORD_HEADER_BYTES) break;
      }
      const length = header.readUInt16BE(3);
      const bad = checkRecordHeader(header[0]!, header[1]!, length);
      if (bad !== undefined) {
        fail(bad);
        break;
      }
      need = length;
      if (length === 0) finish(out, Buffer.alloc(0));
    }
    return out;
  }

  return {
    push,
    get pendingBytes() {
      return headerHave + have;
    },
    get failure() {
      return failure;
    },
  };
}
