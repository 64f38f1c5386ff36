// What a finished row of the HTML view can leave out because the page's script rebuilds it
// (html-ladder-client.js does the reverse): on a chat capture this is about a third of the page,
// so the same page bytes hold that many more rows.
import type { LadderRow } from './html-ladder-types.js';
import { unmask } from '../../shared/websocket-framing.js';

export const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** A message's arrow label: the start of its text on one line. The page's script computes the
 * same (labelOf in html-ladder-client.js), so rows whose label is this leave it out. Only the
 * text's start is looked at: a message can be megabytes. */
export const labelOf = (text: string): string => {
  const head = text.slice(0, 400).replace(/\s+/g, ' ');
  return text.length > 400 && head.length <= 56 ? `${head}…` : clip(head, 56);
};

/** XORs `bytes` with a WebSocket mask key given as 8 hex digits. */
export const applyMask = (bytes: Buffer, mask: string): Buffer => unmask(bytes, parseInt(mask, 16) >>> 0, 0);

/**
 * A one-frame text message's payload is its text's UTF-8: when the hex kept says exactly that
 * (checked, not assumed: invalid UTF-8 or a cut preview keep their hex), the row keeps the text
 * only and the page rebuilds the hex, re-masked with the frame's key for the wire view.
 * Returns the characters of hex dropped.
 */
export function dropRebuildableHex(row: LadderRow, maxBytes: number): number {
  const plainHex = row.mask !== undefined ? row.plain : row.wire;
  if (row.text === undefined || plainHex === undefined) return 0;
  if (row.tcut !== undefined && row.text.length < maxBytes) return 0;
  const plain = Buffer.from(row.text.slice(0, maxBytes)).subarray(0, maxBytes);
  if (plain.toString('hex') !== plainHex) return 0;
  let freed = plainHex.length;
  if (row.mask !== undefined) {
    if (row.wire === undefined) return 0;
    // The wire view is the start of the masked bytes (the decoder keeps a preview of them).
    const wl = row.wire.length / 2;
    if (applyMask(plain.subarray(0, wl), row.mask).toString('hex') !== row.wire) return 0;
    freed += row.wire.length;
    row.wl = wl;
  }
  delete row.plain;
  delete row.wire;
  row.hx = 1;
  return freed;
}

/** Leaves out a caption that is one of the row's explanation lines or labelOf(text), and a
 * label that is labelOf(text). */
export function compactRow(row: LadderRow): LadderRow {
  if (row.cap !== undefined) {
    const i = row.x.indexOf(row.cap);
    if (i >= 0) {
      delete row.cap;
      row.ci = i;
    } else if (row.text !== undefined && row.cap === labelOf(row.text)) {
      delete row.cap;
      row.ct = 1;
    }
  }
  if (row.text !== undefined && row.l === labelOf(row.text)) {
    delete (row as { l?: string }).l;
    row.lt = 1;
  }
  return row;
}
