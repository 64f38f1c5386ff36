// The HTML view's rows, kept as the page's own bytes rather than as objects: each finished row
// is serialised once (embedJson) into a block of UTF-8, so a row costs its size in the page and
// nothing more (row objects with their strings cost several times that). Blocks are either kept
// until the page is written or, when the page is being streamed, handed on at once.
//
// Two limits keep the page one a browser can open and the process small on any input: a number
// of rows and a number of bytes of row data. Rows past either are counted, not kept.
import { embedJson } from './html-page.js';

/** Bytes of serialised rows gathered before they become one block. */
const BLOCK_BYTES = 256 * 1024;

export interface RowStoreLimits {
  maxRows: number;
  maxBytes: number;
}

/** Where the first row that was not kept came from, for the page's banner. */
export interface FirstDropped {
  t: number;
  p: number | null;
}

export class HtmlRowStore {
  kept = 0;
  dropped = 0;
  /** Bytes of row data kept (written or waiting). */
  bytes = 0;
  firstDropped: FirstDropped | undefined;
  private readonly blocks: Buffer[] = [];
  private part: string[] = [];
  private partBytes = 0;
  private closed = false;

  constructor(
    private readonly limits: RowStoreLimits,
    /** When set, each block goes here as soon as it is full instead of being kept. */
    private readonly sink?: (block: Buffer) => void,
  ) {}

  /** Whether no further row can be kept. */
  get full(): boolean {
    return this.closed || this.kept >= this.limits.maxRows || this.bytes >= this.limits.maxBytes;
  }

  /** Serialises a finished row; false when a limit left it out. */
  add(row: { t: number; p: number | null }): boolean {
    const json = (this.kept > 0 ? ',' : '') + embedJson(row);
    const size = Buffer.byteLength(json);
    if (this.closed || this.kept >= this.limits.maxRows || this.bytes + size > this.limits.maxBytes) {
      if (this.dropped === 0) this.firstDropped = { t: row.t, p: row.p };
      this.dropped++;
      // Once a row did not fit, none after it is kept either: the page shows a prefix of the
      // capture with one clear edge, not a capture with holes.
      this.closed = true;
      return false;
    }
    this.kept++;
    this.bytes += size;
    this.part.push(json);
    this.partBytes += size;
    if (this.partBytes >= BLOCK_BYTES) this.seal();
    return true;
  }

  private seal(): void {
    if (this.part.length === 0) return;
    const block = Buffer.from(this.part.join(''));
    this.part = [];
    this.partBytes = 0;
    if (this.sink) this.sink(block);
    else this.blocks.push(block);
  }

  /** Hands every row not yet written to `write`, in order, and lets go of it. */
  drain(write: (block: Buffer) => void): void {
    this.seal();
    // Released one at a time: the caller's stream may hold each block until it is written.
    while (this.blocks.length > 0) write(this.blocks.shift()!);
  }

  /** The rows still held, parsed back (for tests and other writers; streamed rows are gone). */
  rows<T>(): T[] {
    const text = Buffer.concat(this.blocks).toString() + this.part.join('');
    return JSON.parse(`[${text.startsWith(',') ? text.slice(1) : text}]`) as T[];
  }
}
