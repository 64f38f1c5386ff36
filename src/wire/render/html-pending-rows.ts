// The HTML view's rows that are not serialised yet. A frame's row waits for its message: a
// one-frame message joins its frame's arrow, so the page draws one arrow for both. The rows after
// a waiting frame wait with it, so the page keeps their order. A frame waits at most until the
// end of the batch after the one it came in: its message is then no longer coming.
import type { LadderRow } from './html-ladder-types.js';

export class PendingRows {
  private rows: LadderRow[] = [];
  /** The last frame row per connection and side, with the batch it came in. */
  private readonly lastFrame = new Map<string, { row: LadderRow; batch: number }>();
  private batch = 0;

  /** A new batch of events begins. */
  nextBatch(): void {
    this.batch++;
  }

  push(row: LadderRow): void {
    this.rows.push(row);
  }

  /** Whether the row still waits here (it can still take more). */
  includes(row: LadderRow): boolean {
    return this.rows.includes(row);
  }

  /** A frame row that its message may join (`key`: connection and side). */
  holdFrame(key: string, row: LadderRow): void {
    this.lastFrame.set(key, { row, batch: this.batch });
  }

  /** The frame row held for `key`, which stops waiting. */
  takeFrame(key: string): LadderRow | undefined {
    const row = this.lastFrame.get(key)?.row;
    this.lastFrame.delete(key);
    return row;
  }

  /**
   * Hands `serialise` every row that no longer waits for a message, in order (`all`: every row,
   * the page is ending).
   */
  settle(all: boolean, serialise: (row: LadderRow) => void): void {
    const waiting = new Set<LadderRow>();
    for (const [key, f] of this.lastFrame) {
      if (all || f.batch < this.batch) this.lastFrame.delete(key);
      else waiting.add(f.row);
    }
    let i = 0;
    while (i < this.rows.length && !waiting.has(this.rows[i]!)) serialise(this.rows[i++]!);
    this.rows = i === this.rows.length ? [] : this.rows.slice(i);
  }

  /** The rows still waiting (for the diagram's data). */
  get waiting(): readonly LadderRow[] {
    return this.rows;
  }
}
