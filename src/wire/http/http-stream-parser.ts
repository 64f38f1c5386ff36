// Incremental HTTP/1.1 message parser for one direction of a connection. It finds message heads
// (split at any byte), then skips bodies without keeping them (Content-Length, chunked, or
// until close), so keep-alive requests decode in sequence. Heads are bounded: past the limit the
// stream is declared bad, never buffered without end.

export interface HttpHead {
  kind: 'request' | 'response';
  /** Request line parts (requests). */
  method: string;
  target: string;
  /** Status line parts (responses). */
  status: number;
  reason: string;
  version: string;
  headers: Array<[string, string]>;
}

/** What follows a head, as decided by whoever knows the context (request method, upgrade). */
export type BodyPlan =
  | { kind: 'none' }
  | { kind: 'length'; bytes: number }
  | { kind: 'chunked' }
  | { kind: 'until-close' }
  /** The protocol changes after this head: the parser stops and hands back the rest. */
  | { kind: 'switch' };

/** What makes a stream stop being HTTP, one code per condition. */
export type HttpProblemCode =
  'HTTP_HEAD_TOO_LARGE' | 'HTTP_BAD_START_LINE' | 'HTTP_BAD_HEADER' | 'HTTP_BAD_CHUNK';

/** A head that is not HTTP: why. */
export interface HeadError {
  kind: 'error';
  code: 'HTTP_BAD_START_LINE' | 'HTTP_BAD_HEADER';
  message: string;
}

export interface HttpStreamHandlers {
  /** A complete head; the answer says how to treat the bytes after it. */
  onHead(head: HttpHead): BodyPlan;
  /** The stream is not (or no longer) valid HTTP; the parser stops. */
  onError(code: HttpProblemCode, message: string): void;
}

export const DEFAULT_MAX_HEAD_BYTES = 64 * 1024;
const MAX_CHUNK_LINE = 4096;
const EMPTY = Buffer.alloc(0);

type State =
  | 'head'
  | 'body-length'
  | 'chunk-size'
  | 'chunk-data'
  | 'chunk-crlf'
  | 'trailers'
  | 'until-close'
  | 'stopped';

/**
 * One direction's HTTP messages, one method per state. Each state method takes the bytes left
 * and returns what is left after it (undefined: wait for more; the switch hands back the rest).
 */
export class HttpStreamParser {
  private state: State = 'head';
  /** Unfinished head, chunk-size line or trailer line. */
  private pending: Buffer = EMPTY;
  /** Body or chunk bytes still to skip. */
  private remaining = 0;
  /** The bytes after a head that switched protocols. */
  private switchedRest: Buffer | undefined;

  constructor(
    private readonly kind: 'request' | 'response',
    private readonly handlers: HttpStreamHandlers,
    private readonly maxHeadBytes = DEFAULT_MAX_HEAD_BYTES,
  ) {}

  get stopped(): boolean {
    return this.state === 'stopped';
  }

  /** Feeds bytes; returns the bytes after a 'switch' head (possibly empty), else undefined. */
  push(input: Buffer): Buffer | undefined {
    let bytes: Buffer | undefined = input;
    while (bytes !== undefined && this.state !== 'stopped') {
      if (this.state === 'head') bytes = this.readHead(bytes);
      else if (this.state === 'until-close') return undefined;
      else if (this.state === 'body-length' || this.state === 'chunk-data') bytes = this.skipBody(bytes);
      else bytes = this.readChunkLine(bytes);
    }
    const rest = this.switchedRest;
    this.switchedRest = undefined;
    return rest;
  }

  private fail(code: HttpProblemCode, message: string): undefined {
    this.state = 'stopped';
    this.pending = EMPTY;
    this.handlers.onError(code, message);
    return undefined;
  }

  /** HEAD: finds the blank line ending a head, then asks what follows it. */
  private readHead(bytes: Buffer): Buffer | undefined {
    if (bytes.length === 0) return undefined;
    const searchFrom = Math.max(0, this.pending.length - 3);
    const joined = this.pending.length ? Buffer.concat([this.pending, bytes]) : bytes;
    const end = findHeadEnd(joined, searchFrom);
    if (end < 0) {
      if (joined.length > this.maxHeadBytes) return this.tooLarge();
      this.pending = Buffer.from(joined);
      return undefined;
    }
    if (end > this.maxHeadBytes) return this.tooLarge();
    this.pending = EMPTY;
    const head = parseHead(this.kind, joined.toString('latin1', 0, end));
    if (head.kind === 'error') return this.fail(head.code, head.message);
    const rest = joined.subarray(end);
    this.follow(this.handlers.onHead(head), rest);
    return this.state === 'stopped' ? undefined : rest;
  }

  private tooLarge(): undefined {
    return this.fail('HTTP_HEAD_TOO_LARGE', `HTTP head larger than ${this.maxHeadBytes} bytes`);
  }

  private follow(plan: BodyPlan, rest: Buffer): void {
    if (plan.kind === 'switch') {
      this.state = 'stopped';
      this.switchedRest = rest;
    } else if (plan.kind === 'length') {
      this.remaining = plan.bytes;
      this.state = this.remaining > 0 ? 'body-length' : 'head';
    } else if (plan.kind === 'chunked') this.state = 'chunk-size';
    else if (plan.kind === 'until-close') this.state = 'until-close';
  }

  /** BODY-LENGTH, CHUNK-DATA: skips the bytes of a body or chunk. */
  private skipBody(bytes: Buffer): Buffer | undefined {
    if (bytes.length === 0) return undefined;
    const take = Math.min(this.remaining, bytes.length);
    this.remaining -= take;
    if (this.remaining === 0) this.state = this.state === 'body-length' ? 'head' : 'chunk-crlf';
    return bytes.subarray(take);
  }

  /** CHUNK-SIZE, CHUNK-CRLF, TRAILERS: the line-based states of chunked bodies. */
  private readChunkLine(bytes: Buffer): Buffer | undefined {
    if (bytes.length === 0) return undefined;
    const got = this.takeLine(bytes, MAX_CHUNK_LINE);
    if (got === 'too-long') return this.fail('HTTP_BAD_CHUNK', 'chunked body line too long');
    if (got === undefined) return undefined;
    const [line, rest] = got;
    if (this.state === 'chunk-crlf') {
      if (line !== '') return this.fail('HTTP_BAD_CHUNK', 'missing CRLF after chunk data');
      this.state = 'chunk-size';
    } else if (this.state === 'chunk-size') {
      const match = /^([0-9a-fA-F]{1,12})\s*(;.*)?$/.exec(line);
      if (!match) return this.fail('HTTP_BAD_CHUNK', 'bad chunk size line');
      this.remaining = parseInt(match[1]!, 16);
      this.state = this.remaining === 0 ? 'trailers' : 'chunk-data';
    } else if (line === '') this.state = 'head'; // end of trailers
    return rest;
  }

  /** Reads one CRLF-terminated line from `pending` + bytes; returns [line, rest] or undefined. */
  private takeLine(bytes: Buffer, limit: number): [string, Buffer] | undefined | 'too-long' {
    const joined = this.pending.length ? Buffer.concat([this.pending, bytes]) : bytes;
    const nl = joined.indexOf(10);
    if (nl < 0) {
      if (joined.length > limit) return 'too-long';
      this.pending = Buffer.from(joined);
      return undefined;
    }
    this.pending = EMPTY;
    const end = nl > 0 && joined[nl - 1] === 13 ? nl - 1 : nl;
    return [joined.toString('latin1', 0, end), joined.subarray(nl + 1)];
  }
}

export function createHttpStreamParser(
  kind: 'request' | 'response',
  handlers: HttpStreamHandlers,
  maxHeadBytes = DEFAULT_MAX_HEAD_BYTES,
): HttpStreamParser {
  return new HttpStreamParser(kind, handlers, maxHeadBytes);
}

/** Index just past the blank line ending a head (CRLFCRLF, or bare LFLF), or -1. */
function findHeadEnd(buf: Buffer, from: number): number {
  for (let i = buf.indexOf(10, from); i >= 0; i = buf.indexOf(10, i + 1)) {
    if (buf[i + 1] === 10) return i + 2;
    if (buf[i + 1] === 13 && buf[i + 2] === 10) return i + 3;
  }
  return -1;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Parses a head's text; says why when it is not HTTP. */
export function parseHead(kind: 'request' | 'response', text: string): HttpHead | HeadError {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  const first = lines.shift() ?? '';
  const head: HttpHead = { kind, method: '', target: '', status: 0, reason: '', version: '', headers: [] };
  if (kind === 'request') {
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/(\d\.\d)$/.exec(first);
    if (!m)
      return headError(
        'HTTP_BAD_START_LINE',
        `not an HTTP request line: ${JSON.stringify(first.slice(0, 80))}`,
      );
    [, head.method, head.target, head.version] = m;
  } else {
    // Any reason phrase, even none: the original server sent "101 Switching Protocol".
    const m = /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/.exec(first);
    if (!m)
      return headError(
        'HTTP_BAD_START_LINE',
        `not an HTTP status line: ${JSON.stringify(first.slice(0, 80))}`,
      );
    head.version = m[1];
    head.status = Number(m[2]);
    head.reason = m[3] ?? '';
  }
  for (const line of lines) {
    if (/^[ \t]/.test(line) && head.headers.length) {
      // Obsolete line folding: continues the previous header's value.
      const last = head.headers[head.headers.length - 1];
      last[1] = `${last[1]} ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon) : '';
    if (!TOKEN.test(name))
      return headError('HTTP_BAD_HEADER', `bad header line: ${JSON.stringify(line.slice(0, 80))}`);
    head.headers.push([name, line.slice(colon + 1).trim()]);
  }
  return head;
}

const headError = (code: HeadError['code'], message: string): HeadError => ({ kind: 'error', code, message });

/** The value of a header (several occurrences joined with ", "), or undefined. */
export function headerValue(head: HttpHead, name: string): string | undefined {
  const lower = name.toLowerCase();
  const values = head.headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
  return values.length ? values.join(', ') : undefined;
}

/** True when a comma-separated header contains the token (case-insensitive). */
export function headerHasToken(head: HttpHead, name: string, token: string): boolean {
  const value = headerValue(head, name);
  if (value === undefined) return false;
  return value.split(',').some((part) => part.trim().toLowerCase() === token.toLowerCase());
}

/** How the body after a head is delimited (RFC 9112 §6.3), for non-upgrade messages. */
export function bodyPlanFor(head: HttpHead, requestMethod?: string): BodyPlan {
  if (head.kind === 'response') {
    if (requestMethod === 'HEAD' || head.status < 200 || head.status === 204 || head.status === 304) {
      return { kind: 'none' };
    }
    if (requestMethod === 'CONNECT' && head.status < 300) return { kind: 'switch' };
  }
  if (headerHasToken(head, 'transfer-encoding', 'chunked')) return { kind: 'chunked' };
  const length = headerValue(head, 'content-length');
  if (length !== undefined) {
    const n = /^\d{1,15}$/.test(length.trim()) ? Number(length.trim()) : NaN;
    // A bad length cannot be skipped reliably: treat the rest as body.
    if (Number.isNaN(n)) return { kind: 'until-close' };
    return n > 0 ? { kind: 'length', bytes: n } : { kind: 'none' };
  }
  return head.kind === 'response' ? { kind: 'until-close' } : { kind: 'none' };
}

/** Could these first bytes of a stream be an HTTP request ('yes'), not ('no'), or too few to tell ('maybe')? */
export function sniffHttp(kind: 'request' | 'response', bytes: Buffer): 'yes' | 'no' | 'maybe' {
  if (kind === 'response') {
    const want = 'HTTP/';
    const n = Math.min(want.length, bytes.length);
    if (bytes.toString('latin1', 0, n) !== want.slice(0, n)) return 'no';
    return n === want.length ? 'yes' : 'maybe';
  }
  // A method token (letters, up to 20) then a space.
  for (let i = 0; i < bytes.length && i <= 20; i++) {
    const c = bytes[i];
    if (c === 32) return i >= 3 ? 'yes' : 'no';
    if (!((c >= 65 && c <= 90) || c === 45 || c === 95)) return 'no';
  }
  return bytes.length > 20 ? 'no' : 'maybe';
}
