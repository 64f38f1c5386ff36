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

export interface HttpStreamHandlers {
  /** A complete head; the answer says how to treat the bytes after it. */
  onHead(head: HttpHead): BodyPlan;
  /** The stream is not (or no longer) valid HTTP; the parser stops. */
  onError(code: 'BAD_HTTP', message: string): void;
}

export interface HttpStreamParser {
  /** Feeds bytes; returns the bytes after a 'switch' head (possibly empty), else undefined. */
  push(bytes: Buffer): Buffer | undefined;
  readonly stopped: boolean;
}

export const DEFAULT_MAX_HEAD_BYTES = 64 * 1024;
const MAX_CHUNK_LINE = 4096;

type State = 'head' | 'body-length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'until-close';

export function createHttpStreamParser(
  kind: 'request' | 'response',
  handlers: HttpStreamHandlers,
  maxHeadBytes = DEFAULT_MAX_HEAD_BYTES,
): HttpStreamParser {
  let state: State = 'head';
  let stopped = false;
  let pending: Buffer = Buffer.alloc(0); // unfinished head, chunk-size line or trailer line
  let remaining = 0; // body or chunk bytes still to skip

  function fail(message: string): undefined {
    stopped = true;
    pending = Buffer.alloc(0);
    handlers.onError('BAD_HTTP', message);
    return undefined;
  }

  /** Reads one CRLF-terminated line from `pending` + bytes; returns [line, rest] or undefined. */
  function takeLine(bytes: Buffer, limit: number): [string, Buffer] | undefined | 'too-long' {
    const joined = pending.length ? Buffer.concat([pending, bytes]) : bytes;
    const nl = joined.indexOf(10);
    if (nl < 0) {
      if (joined.length > limit) return 'too-long';
      pending = Buffer.from(joined);
      return undefined;
    }
    pending = Buffer.alloc(0);
    const end = nl > 0 && joined[nl - 1] === 13 ? nl - 1 : nl;
    return [joined.toString('latin1', 0, end), joined.subarray(nl + 1)];
  }

  function push(input: Buffer): Buffer | undefined {
    let bytes = input;
    while (!stopped) {
      if (state === 'head') {
        if (bytes.length === 0) return undefined;
        const searchFrom = Math.max(0, pending.length - 3);
        const joined = pending.length ? Buffer.concat([pending, bytes]) : bytes;
        const end = findHeadEnd(joined, searchFrom);
        if (end < 0) {
          if (joined.length > maxHeadBytes) return fail(`HTTP head larger than ${maxHeadBytes} bytes`);
          pending = Buffer.from(joined);
          return undefined;
        }
        if (end > maxHeadBytes) return fail(`HTTP head larger than ${maxHeadBytes} bytes`);
        pending = Buffer.alloc(0);
        const head = parseHead(kind, joined.toString('latin1', 0, end));
        if (typeof head === 'string') return fail(head);
        bytes = joined.subarray(end);
        const plan = handlers.onHead(head);
        if (plan.kind === 'switch') {
          stopped = true;
          return bytes;
        }
        if (plan.kind === 'length') {
          remaining = plan.bytes;
          state = remaining > 0 ? 'body-length' : 'head';
        } else if (plan.kind === 'chunked') state = 'chunk-size';
        else if (plan.kind === 'until-close') state = 'until-close';
        continue;
      }
      if (state === 'until-close') return undefined;
      if (state === 'body-length' || state === 'chunk-data') {
        if (bytes.length === 0) return undefined;
        const take = Math.min(remaining, bytes.length);
        remaining -= take;
        bytes = bytes.subarray(take);
        if (remaining === 0) state = state === 'body-length' ? 'head' : 'chunk-crlf';
        continue;
      }
      // Line-based states of chunked bodies.
      if (bytes.length === 0) return undefined;
      const got = takeLine(bytes, MAX_CHUNK_LINE);
      if (got === 'too-long') return fail('chunked body line too long');
      if (got === undefined) return undefined;
      const [line, rest] = got;
      bytes = rest;
      if (state === 'chunk-crlf') {
        if (line !== '') return fail('missing CRLF after chunk data');
        state = 'chunk-size';
      } else if (state === 'chunk-size') {
        const match = /^([0-9a-fA-F]{1,12})\s*(;.*)?$/.exec(line);
        if (!match) return fail('bad chunk size line');
        remaining = parseInt(match[1], 16);
        state = remaining === 0 ? 'trailers' : 'chunk-data';
      } else if (line === '') state = 'head'; // end of trailers
    }
    return undefined;
  }

  return {
    push,
    get stopped() {
      return stopped;
    },
  };
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

/** Parses a head's text; returns an error message when it is not HTTP. */
export function parseHead(kind: 'request' | 'response', text: string): HttpHead | string {
  const lines = text.split(/\r?\n/);
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  const first = lines.shift() ?? '';
  const head: HttpHead = { kind, method: '', target: '', status: 0, reason: '', version: '', headers: [] };
  if (kind === 'request') {
    const m = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/(\d\.\d)$/.exec(first);
    if (!m) return `not an HTTP request line: ${JSON.stringify(first.slice(0, 80))}`;
    [, head.method, head.target, head.version] = m;
  } else {
    // Any reason phrase, even none: the original server sent "101 Switching Protocol".
    const m = /^HTTP\/(\d\.\d) (\d{3})(?: (.*))?$/.exec(first);
    if (!m) return `not an HTTP status line: ${JSON.stringify(first.slice(0, 80))}`;
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
    if (!TOKEN.test(name)) return `bad header line: ${JSON.stringify(line.slice(0, 80))}`;
    head.headers.push([name, line.slice(colon + 1).trim()]);
  }
  return head;
}

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
