// What a row of the HTML view keeps of its packet or message: a preview of the text and of the
// wire bytes, paid for out of one budget of characters for the whole page. Past the budget rows
// keep their explanations only ("bare"); past the row store's limits rows are only counted, and
// no bytes are copied for them; past `literalBytes` of rows, rows leave out what the page's
// script rebuilds (html-row-compact.ts).
import type { LadderRow } from './html-ladder-types.js';
import type { FirstDropped, HtmlRowStore } from './html-row-store.js';
import { compactRow, dropRebuildableHex } from './html-row-compact.js';

export interface RowContentLimits {
  /** Most wire bytes kept per row. */
  maxBytes: number;
  /** Most characters of text kept per row. */
  maxText: number;
  /** Characters of hex and text kept for the whole page. */
  maxTotalChars: number;
  /** Bytes of rows written in full before rows leave out what the script rebuilds. */
  literalBytes: number;
}

export class RowContent {
  /** Where the budget first ran short (the page's banner says so); undefined while it lasts. */
  bareFrom: FirstDropped | undefined;
  private remaining: number;
  /** The event being folded, so a budget cut can say where it started. */
  private current: { ts: number; packet: number | null } = { ts: 0, packet: null };

  constructor(
    private readonly limits: RowContentLimits,
    private readonly store: HtmlRowStore,
  ) {
    this.remaining = limits.maxTotalChars;
  }

  /** The event whose rows are being built now. */
  at(ts: number, packet: number | null): void {
    this.current = { ts, packet };
  }

  /** Whether rows now leave out what the page's script rebuilds (past literalBytes of rows). */
  get compacting(): boolean {
    return this.store.bytes >= this.limits.literalBytes;
  }

  /** Up to `max` bytes of `b` as hex (default: the per-row limit), as far as the budget goes. */
  hex(b: Buffer | undefined, max = this.limits.maxBytes): string | undefined {
    // Rows past the page's limits are only counted: no bytes are copied for them.
    if (!b || this.store.full) return undefined;
    const n = Math.floor(this.spend(2 * Math.min(b.length, max)) / 2);
    return n > 0 ? b.subarray(0, n).toString('hex') : undefined;
  }

  /** Keeps a preview of `text` on `row`, with the bytes left out (of `bytes`, the whole). */
  text(row: LadderRow, text: string, bytes?: number): void {
    if (this.store.full) return;
    const n = this.spend(Math.min(text.length, this.limits.maxText));
    if (n === 0 && text.length > 0) return;
    const kept = text.slice(0, n);
    row.text = kept;
    if (n < text.length) row.tcut = (bytes ?? Buffer.byteLength(text)) - Buffer.byteLength(kept);
  }

  /** Drops a row's hex when the page's script can rebuild it from the text (and refunds it). */
  bytesFromText(row: LadderRow): void {
    if (this.compacting) this.remaining += dropRebuildableHex(row, this.limits.maxBytes);
  }

  /** The row as it is serialised: without what the script rebuilds, once compacting. */
  compact(row: LadderRow): LadderRow {
    return this.compacting ? compactRow(row) : row;
  }

  /** Takes up to `wanted` characters from the page's budget; returns how many it got. */
  private spend(wanted: number): number {
    const n = Math.max(0, Math.min(wanted, this.remaining));
    if (n < wanted && !this.bareFrom) this.bareFrom = { t: this.current.ts, p: this.current.packet };
    this.remaining -= n;
    return n;
  }
}
