// A key log that grows while we capture (browsers, curl and node append a session's secrets as
// its handshake happens): each file is re-read from where the last read stopped, every
// `intervalMs`, and its new whole lines go into the KeyStore. Bounded: at most `maxBytes` are
// read from each file over the run, and an unfinished last line is kept only up to the longest
// line the parser accepts. A file that shrinks (rewritten) is read again from its start.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { KeyStore } from './key-store.js';
import { DEFAULT_KEYLOG_MAX_LINE_BYTES, parseKeyLog, type KeyLogProblem } from './keylog-parser.js';

export const DEFAULT_KEYLOG_POLL_MS = 200;

export interface KeyLogFollowerOptions {
  /** Bytes read from each file over the whole run (--keylog-max-bytes). */
  maxBytes: number;
  /** How often the files are looked at (milliseconds). */
  intervalMs?: number;
  /** Called after each look: the new whole lines read (maybe ''), and how many secrets they held. */
  onLines: (text: string, secrets: number) => void;
  onProblem: (problem: KeyLogProblem) => void;
}

export interface KeyLogFollower {
  /** Reads what was appended since the last look (also done by the timer). */
  poll(): void;
  stop(): void;
}

interface Followed {
  path: string;
  offset: number;
  read: number;
  carry: string;
  limitReported: boolean;
}

/** Follows `paths` from their current end (what was there is already in the store). */
export function followKeyLogs(
  paths: string[],
  store: KeyStore,
  startOffsets: number[],
  options: KeyLogFollowerOptions,
): KeyLogFollower {
  return new KeyLogFiles(paths, store, startOffsets, options);
}

class KeyLogFiles implements KeyLogFollower {
  private readonly files: Followed[];
  private readonly chunk = Buffer.alloc(64 * 1024);
  private readonly timer: ReturnType<typeof setInterval>;

  constructor(
    paths: string[],
    private readonly store: KeyStore,
    startOffsets: number[],
    private readonly options: KeyLogFollowerOptions,
  ) {
    this.files = paths.map((path, i) => ({
      path,
      offset: startOffsets[i] ?? 0,
      read: startOffsets[i] ?? 0,
      carry: '',
      limitReported: false,
    }));
    this.timer = setInterval(() => this.poll(), options.intervalMs ?? DEFAULT_KEYLOG_POLL_MS);
    this.timer.unref();
  }

  poll(): void {
    let secrets = 0;
    const lines: string[] = [];
    for (const f of this.files) secrets += this.pollOne(f, lines);
    this.options.onLines(lines.join(''), secrets);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Reads what was appended to one file; returns how many secrets its new lines held. */
  private pollOne(f: Followed, lines: string[]): number {
    let fd: number;
    try {
      fd = openSync(f.path, 'r');
    } catch {
      return 0; // moved away for a moment (rotated, rewritten): looked at again next time
    }
    let secrets = 0;
    try {
      const size = fstatSync(fd).size;
      if (size < f.offset) {
        f.offset = 0;
        f.carry = '';
      }
      while (f.offset < size) {
        const budget = this.options.maxBytes - f.read;
        if (budget <= 0) {
          this.reportLimit(f);
          break;
        }
        const n = readSync(fd, this.chunk, 0, Math.min(this.chunk.length, size - f.offset, budget), f.offset);
        if (n === 0) break;
        secrets += this.take(f, n, lines);
      }
    } finally {
      closeSync(fd);
    }
    return secrets;
  }

  /** Takes the `n` bytes just read: its whole lines go to the store, an unfinished one waits. */
  private take(f: Followed, n: number, lines: string[]): number {
    f.offset += n;
    f.read += n;
    const text = f.carry + this.chunk.toString('latin1', 0, n);
    const end = text.lastIndexOf('\n') + 1;
    // An unfinished line waits for its end, unless it is already too long to be a line.
    f.carry = text.slice(end);
    if (f.carry.length > DEFAULT_KEYLOG_MAX_LINE_BYTES) f.carry = '';
    if (end === 0) return 0;
    lines.push(text.slice(0, end));
    const result = parseKeyLog(text.slice(0, end), this.store, f.path);
    for (const p of result.problems) this.options.onProblem(p);
    return result.secrets;
  }

  private reportLimit(f: Followed): void {
    if (f.limitReported) return;
    f.limitReported = true;
    this.options.onProblem({
      code: 'KEYLOG_LIMIT',
      line: 0,
      message: `${f.path}: no more is read after ${this.options.maxBytes} bytes (--keylog-max-bytes)`,
    });
  }
}
