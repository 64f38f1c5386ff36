// The out-of-order pieces of one direction, kept sorted, as a list of small blocks. A flat
// sorted array makes every insertion move everything after it (quadratic for a hostile run of
// tiny segments arriving backwards); blocks of at most BLOCK pieces make an insertion a binary
// search over blocks plus a move inside one block, and taking the first piece is as cheap.
// Pieces never overlap, so ordering by start also orders their ends.

const BLOCK = 256;

/** A position in the list: block index and index inside that block. */
export interface PieceCursor {
  block: number;
  index: number;
}

export class PieceList<T> {
  private blocks: T[][] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  first(): T | undefined {
    return this.blocks.length > 0 ? this.blocks[0]![0] : undefined;
  }

  last(): T | undefined {
    const b = this.blocks[this.blocks.length - 1];
    return b !== undefined ? b[b.length - 1] : undefined;
  }

  shift(): T | undefined {
    const b = this.blocks[0];
    if (b === undefined) return undefined;
    const p = b.shift();
    this.count--;
    if (b.length === 0) this.blocks.shift();
    return p;
  }

  pop(): T | undefined {
    const b = this.blocks[this.blocks.length - 1];
    if (b === undefined) return undefined;
    const p = b.pop();
    this.count--;
    if (b.length === 0) this.blocks.pop();
    return p;
  }

  /** Every piece, in order (a copy; for the rare paths that look at all of them). */
  toArray(): T[] {
    return this.blocks.flat();
  }

  clear(): void {
    this.blocks = [];
    this.count = 0;
  }

  /**
   * The first piece for which `before(piece)` is false, given that `before` is true for a
   * prefix of the list and false after it.
   */
  seek(before: (piece: T) => boolean): PieceCursor {
    const blocks = this.blocks;
    // The first block whose last piece is not before.
    let lo = 0;
    let hi = blocks.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const b = blocks[mid]!;
      if (before(b[b.length - 1]!)) lo = mid + 1;
      else hi = mid;
    }
    if (lo === blocks.length) return { block: lo, index: 0 };
    const b = blocks[lo]!;
    let l = 0;
    let h = b.length;
    while (l < h) {
      const mid = (l + h) >>> 1;
      if (before(b[mid]!)) l = mid + 1;
      else h = mid;
    }
    return { block: lo, index: l };
  }

  /** The piece at the cursor, or undefined at the end. */
  at(c: PieceCursor): T | undefined {
    return this.blocks[c.block]?.[c.index];
  }

  next(c: PieceCursor): void {
    c.index++;
    if (c.index >= this.blocks[c.block]!.length) {
      c.block++;
      c.index = 0;
    }
  }

  /** Inserts before the cursor's piece (or at the end); the cursor stays on the piece it was on. */
  insertBefore(c: PieceCursor, piece: T): void {
    this.count++;
    const blocks = this.blocks;
    if (blocks.length === 0) {
      blocks.push([piece]);
      c.block = 0;
      c.index = 1;
      return;
    }
    if (c.block >= blocks.length) {
      // At the end: append to the last block.
      c.block = blocks.length - 1;
      c.index = blocks[c.block]!.length;
    }
    const b = blocks[c.block]!;
    b.splice(c.index, 0, piece);
    c.index++;
    if (b.length > BLOCK * 2) {
      const tail = b.splice(BLOCK);
      blocks.splice(c.block + 1, 0, tail);
      if (c.index >= BLOCK) {
        c.block++;
        c.index -= BLOCK;
      }
    }
    if (c.index >= blocks[c.block]!.length) {
      c.block++;
      c.index = 0;
    }
  }
}
