// The NSS key log format (as written by SSLKEYLOGFILE, node's 'keylog' event, openssl
// -keylogfile): "LABEL <client random, 64 hex> <secret, hex>" per line, '#' comments. A bad line
// is reported and skipped, never fatal; the lines read and the problems kept are bounded.
import { KEY_LABELS, type KeyLabel, KeyStore } from './key-store.js';

export interface KeyLogLimits {
  /** Lines longer than this are bad lines (default 1024). */
  maxLineBytes?: number;
  /** Lines after this many are not read (default 4,000,000); one KEYLOG_LIMIT problem says so. */
  maxLines?: number;
  /** Bad lines reported individually (default 20); the rest are only counted. */
  maxReportedProblems?: number;
}

export interface KeyLogProblem {
  code: 'KEYLOG_BAD_LINE' | 'KEYLOG_LIMIT';
  /** 1-based line number (0 for problems about the whole log). */
  line: number;
  message: string;
}

export interface KeyLogResult {
  secrets: number;
  badLines: number;
  problems: KeyLogProblem[];
}

export const DEFAULT_KEYLOG_MAX_LINE_BYTES = 1024;
export const DEFAULT_KEYLOG_MAX_LINES = 4_000_000;

const LABELS = new Set<string>(KEY_LABELS);
const HEX = /^[0-9a-fA-F]+$/;
/** Secrets are 48 bytes (TLS 1.2 master secret) or a hash length (32 or 48); allow up to 64. */
const MAX_SECRET_BYTES = 64;

/** Parses key log text into `store`; `source` names the log in problem messages. */
export function parseKeyLog(
  text: string,
  store: KeyStore,
  source: string,
  limits: KeyLogLimits = {},
): KeyLogResult {
  const maxLineBytes = limits.maxLineBytes ?? DEFAULT_KEYLOG_MAX_LINE_BYTES;
  const maxLines = limits.maxLines ?? DEFAULT_KEYLOG_MAX_LINES;
  const maxReported = limits.maxReportedProblems ?? 20;
  const result: KeyLogResult = { secrets: 0, badLines: 0, problems: [] };
  const refusedBefore = store.refused;
  let lineNo = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    if (lineNo > maxLines) {
      result.problems.push({
        code: 'KEYLOG_LIMIT',
        line: 0,
        message: `${source}: only the first ${maxLines} lines were read (--keylog-max-lines)`,
      });
      break;
    }
    const why =
      end - start > maxLineBytes
        ? `longer than ${maxLineBytes} bytes`
        : parseLine(text.slice(start, end), store);
    start = end + 1;
    if (why === undefined) result.secrets++;
    else if (why !== '') {
      result.badLines++;
      if (result.badLines <= maxReported) {
        result.problems.push({
          code: 'KEYLOG_BAD_LINE',
          line: lineNo,
          message: `${source} line ${lineNo}: ${why}`,
        });
      }
    }
  }
  if (result.badLines > maxReported) {
    result.problems.push({
      code: 'KEYLOG_BAD_LINE',
      line: 0,
      message: `${source}: ${result.badLines - maxReported} more bad lines not shown`,
    });
  }
  const refused = store.refused - refusedBefore;
  if (refused > 0) {
    result.problems.push({
      code: 'KEYLOG_LIMIT',
      line: 0,
      message: `${source}: ${refused} secrets dropped: more than ${store.maxSessions} sessions`,
    });
  }
  return result;
}

/** undefined: a secret was stored; '': blank or comment; else why the line is bad. */
function parseLine(raw: string, store: KeyStore): string | undefined {
  const line = raw.trim();
  if (line === '' || line.startsWith('#')) return '';
  const fields = line.split(/\s+/);
  if (fields.length !== 3) return `expected "LABEL <client random> <secret>", got ${fields.length} fields`;
  const [label, random, secret] = fields as [string, string, string];
  if (!LABELS.has(label)) return `unknown label ${JSON.stringify(label.slice(0, 40))}`;
  if (random.length !== 64 || !HEX.test(random)) return 'the client random is not 64 hex digits';
  if (secret.length % 2 !== 0 || secret.length > MAX_SECRET_BYTES * 2 || !HEX.test(secret)) {
    return 'the secret is not an even number of hex digits (at most 128)';
  }
  if (label === 'CLIENT_RANDOM' && secret.length !== 96)
    return 'a CLIENT_RANDOM master secret is 48 bytes (96 hex digits)';
  store.add(label as KeyLabel, Buffer.from(random, 'hex'), Buffer.from(secret, 'hex'));
  return undefined;
}
