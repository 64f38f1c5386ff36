// The HTML view's shapes: its options, the limits a page was written with, the rows of the
// ladder diagram (short keys: the JSON is embedded in the page) and the renderer's interface.
import type { SummaryEvent, WireEvent } from '../events.js';
import type { FirstDropped } from './html-row-store.js';

export interface HtmlViewOptions {
  /** Page title (default "wirechat capture"). */
  title?: string;
  /** Where the capture came from, shown under the title ("capture.pcap", "tap 127.0.0.1:7273"). */
  source?: string;
  /** Most wire bytes kept per row for the hex views (default 1024). */
  maxBytesPerRow?: number;
  /** Most characters of message text kept per row (default 4096); the rest is counted. */
  maxTextChars?: number;
  /** Most rows kept; later events are counted, not drawn (default 200000). */
  maxRows?: number;
  /** Bytes of row data in the page (default 64 MiB); later rows are counted, not drawn. */
  maxPageBytes?: number;
  /** Characters of hex and text kept for the whole page, so a huge capture gives a page a
   * browser can open (default 40 Mi); past it rows keep their explanations only. */
  maxTotalChars?: number;
  /**
   * Bytes of rows written in full (default 1 MiB): a small capture's page carries every label,
   * caption and hex as it is, for anyone reading its data; past it rows leave out what the
   * page's script rebuilds (0 = from the first row).
   */
  literalBytes?: number;
  /**
   * Streams the page: the head and the rows go here as they are decoded (a block at a time), and
   * writePage() then writes only the rest. Without it the rows wait, serialised, for writePage().
   */
  out?: (piece: string | Buffer) => void;
}

/** The limits a page was written with, and where they cut (shown in the page's banner). */
export interface HtmlLimits {
  maxRows: number;
  maxPageBytes: number;
  maxTextChars: number;
  maxBytesPerRow: number;
  maxTotalChars: number;
  /** Bytes of row data in the page. */
  pageBytes: number;
  /** The first row left out by maxRows/maxPageBytes. */
  firstDropped?: FirstDropped;
  /** The first row that lost its text and bytes to maxTotalChars. */
  bareFrom?: FirstDropped;
}

/** One arrow or note of the diagram. Short keys: the JSON is embedded in the page. */
export interface LadderRow {
  /** Kind: tcp (TCP-only), hs (SYN/SYN-ACK/handshake ACK/FIN/RST), data (TCP with payload),
   * http, ws (frame/message), ctl (ping/pong/close), note (open/close/problem), tls (a
   * connection's TLS lines folded: one row per handshake or run of encrypted records). */
  k: 'tcp' | 'hs' | 'data' | 'http' | 'ws' | 'ctl' | 'note' | 'problem' | 'tls';
  t: number;
  c: number | null;
  p: number | null;
  /** Lane indexes; equal for notes. */
  s: number;
  d: number;
  /** 'c' client → server, 's' server → client. */
  f?: 'c' | 's';
  /** Label above the arrow, caption under it. */
  l: string;
  cap?: string;
  /** Explanation lines. */
  x: string[];
  /** tcpdump's line for a segment. */
  line?: string;
  /** Decoded text / headers. */
  text?: string;
  /** Hex: wire bytes (packet from IP on, or the masked frame payload) and unmasked payload. */
  wire?: string;
  plain?: string;
  mask?: string;
  /** Bytes cut from the hex views. */
  cut?: number;
  /** Bytes of the text not kept. */
  tcut?: number;
  /** Left out when the client can rebuild it: the caption is x[ci], or labelOf(text) with ct;
   * the label is labelOf(text) (html-row-compact.ts);
   * the hex views are the UTF-8 of the text (its first `wl` bytes masked with `mask` for the wire
   * view). */
  ci?: number;
  ct?: 1;
  lt?: 1;
  hx?: 1;
  wl?: number;
}

export interface LadderData {
  title: string;
  source: string;
  lanes: Array<{ name: string; role: 'client' | 'server' | 'unknown' }>;
  rows: LadderRow[];
  dropped: number;
  limits: HtmlLimits;
  summary?: SummaryEvent;
}

export interface HtmlRenderer {
  /** Takes a batch of events; returns '' (rows go to `out` when streaming, else wait). */
  render(events: readonly WireEvent[]): string;
  /** The complete page (or, when streaming, what was not streamed yet). */
  finish(summary?: SummaryEvent): string;
  /**
   * The page handed to `write` in pieces (the rows as the blocks they were serialised into):
   * for a large capture the page is tens of MB, and one string of it costs several copies.
   * When streaming, only what was not streamed yet.
   */
  writePage(write: (piece: string | Buffer) => void, summary?: SummaryEvent): void;
  /** The collected diagram data (for tests and other writers). */
  data(): LadderData;
}
