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
  return new TlsRecordParser();
}

/**
 * Two states: reading a header (`need` is -1; `headerHave` of its bytes held) and reading a
 * fragment (`need` bytes long; `have` of them held in `pieces`). A record whose header and
 * fragment are both within one push is handed on as a view, with nothing held or copied.
 */
class TlsRecordParser implements RecordParser {
  failure: string | undefined;
  // An unfinished record: its header, then the pieces of its fragment as they arrive. Nothing is
  // allocated from the length on the wire: what is held is what was captured.
  private readonly header = Buffer.alloc(RECORD_HEADER_BYTES);
  private headerHave = 0;
  private need = -1; // fragment length of the unfinished record, -1 while reading its header
  private pieces: Buffer[] = [];
  private have = 0;

  get pendingBytes(): number {
    return this.headerHave + this.have;
  }

  push(input: Buffer): TlsRecord[] {
    const out: TlsRecord[] = [];
    let pos = 0;
    while (this.failure === undefined && pos < input.length) {
      if (this.need >= 0) pos = this.readFragment(input, pos, out);
      else if (this.headerHave === 0 && input.length - pos >= RECORD_HEADER_BYTES)
        pos = this.readWholeHeader(input, pos, out);
      else pos = this.readPartialHeader(input, pos, out);
    }
    return out;
  }

  private readFragment(input: Buffer, pos: number, out: TlsRecord[]): number {
    const take = Math.min(this.need - this.have, input.length - pos);
    const piece = input.subarray(pos, pos + take);
    if (this.have + take === this.need) {
      // The last piece is used now, as a record whole in one push is: joined with the pieces
      // held (one copy), or handed on as a view when it is the whole fragment.
      const pieces = this.pieces;
      if (pieces.length === 0) this.finish(out, piece);
      else {
        pieces.push(piece);
        this.finish(out, Buffer.concat(pieces, this.need));
      }
    } else {
      // A copy: the caller may reuse its buffer before the record completes.
      this.pieces.push(Buffer.from(piece));
      this.have += take;
    }
    return pos + take;
  }

  /** Whole header here: the common case, and a whole record needs no copy at all. */
  private readWholeHeader(input: Buffer, pos: number, out: TlsRecord[]): number {
    const length = input.readUInt16BE(pos + 3);
    const bad = checkRecordHeader(input[pos]!, input[pos + 1]!, length);
    if (bad !== undefined) {
      this.fail(bad);
      return pos;
    }
    const end = pos + RECORD_HEADER_BYTES + length;
    if (end <= input.length) {
      out.push({
        contentType: input[pos]!,
        version: input.readUInt16BE(pos + 1),
        fragment: input.subarray(pos + RECORD_HEADER_BYTES, end),
      });
      return end;
    }
    input.copy(this.header, 0, pos, pos + RECORD_HEADER_BYTES);
    this.headerHave = RECORD_HEADER_BYTES;
    this.need = length;
    return pos + RECORD_HEADER_BYTES;
  }

  /** A header split across pushes: its bytes are gathered one by one. */
  private readPartialHeader(input: Buffer, pos: number, out: TlsRecord[]): number {
    const header = this.header;
    while (this.headerHave < RECORD_HEADER_BYTES && pos < input.length)
      header[this.headerHave++] = input[pos++]!;
    if (this.headerHave < RECORD_HEADER_BYTES) return pos;
    const length = header.readUInt16BE(3);
    const bad = checkRecordHeader(header[0]!, header[1]!, length);
    if (bad !== undefined) this.fail(bad);
    else {
      this.need = length;
      if (length === 0) this.finish(out, Buffer.alloc(0));
    }
    return pos;
  }

  private fail(reason: string): void {
    this.failure = reason;
    this.reset();
  }

  private finish(out: TlsRecord[], fragment: Buffer): void {
    const header = this.header;
    out.push({ contentType: header[0]!, version: header.readUInt16BE(1), fragment });
    this.reset();
  }

  private reset(): void {
    this.pieces = [];
    this.have = 0;
    this.headerHave = 0;
    this.need = -1;
  }
}
