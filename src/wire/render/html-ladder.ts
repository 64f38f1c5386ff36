// The HTML view: one self-contained page (inline CSS and script, no network) that draws the
// capture as a ladder diagram — one lane per endpoint, one arrow per packet or message — with the
// same explanations as the text view and, on click, the decoded text and the wire bytes.
//
// Events are folded into compact rows as they arrive (so a live capture can feed it batch by
// batch), then written as JSON into a <script type="application/json"> block with '<' escaped,
// so nothing in a captured payload can end the script or inject markup. The page's own script
// (html-ladder-client.js) draws only the rows on screen, so large captures stay usable.
import { readFileSync } from 'node:fs';
import type { SummaryEvent, WireEvent, WsFrameEvent } from '../events.js';
import { createExplainer, explainFrame, opcodeName } from '../annotate/explain.js';
import { formatSegmentLine, linkHeaderLength } from './format.js';

export interface HtmlViewOptions {
  /** Page title (default "wirechat capture"). */
  title?: string;
  /** Where the capture came from, shown under the title ("capture.pcap", "tap 127.0.0.1:7273"). */
  source?: string;
  /** Most wire bytes kept per row for the hex views (default 4096). */
  maxBytesPerRow?: number;
  /** Most characters of message text kept per row (default 65536). */
  maxTextChars?: number;
  /** Most rows kept; later events are counted, not drawn (default 200000). */
  maxRows?: number;
  /** Characters of hex and text kept for the whole page, so a huge capture gives a page a
   * browser can open (default 64 Mi); past it rows keep their explanations only. */
  maxTotalChars?: number;
}

/** One arrow or note of the diagram. Short keys: the JSON is embedded in the page. */
export interface LadderRow {
  /** Kind: tcp (TCP-only), hs (SYN/SYN-ACK/handshake ACK/FIN/RST), data (TCP with payload),
   * http, ws (frame/message), ctl (ping/pong/close), note (open/close/problem). */
  k: 'tcp' | 'hs' | 'data' | 'http' | 'ws' | 'ctl' | 'note' | 'problem';
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
  /** Bytes cut from the hex/text views. */
  cut?: number;
}

export interface LadderData {
  title: string;
  source: string;
  lanes: Array<{ name: string; role: 'client' | 'server' | 'unknown' }>;
  rows: LadderRow[];
  dropped: number;
  summary?: SummaryEvent;
}

export interface HtmlRenderer {
  /** Takes a batch of events; returns '' (the page is written whole by finish()). */
  render(events: readonly WireEvent[]): string;
  /** The complete page. */
  finish(summary?: SummaryEvent): string;
  /**
   * The same page handed to `write` in pieces (rows a slice at a time): for a large capture the
   * page is 100+ MB, and building it as one string costs several copies of that.
   */
  writePage(write: (piece: string) => void, summary?: SummaryEvent): void;
  /** The collected diagram data (for tests and other writers). */
  data(): LadderData;
}

const SEGMENT_LABEL: Record<string, string> = {
  syn: 'SYN',
  'syn-ack': 'SYN-ACK',
  'handshake-ack': 'ACK',
  ack: 'ACK',
  fin: 'FIN',
  rst: 'RST',
  retransmission: 'retransmission',
  keepalive: 'keep-alive',
};

const clip = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function createHtmlRenderer(options: HtmlViewOptions = {}): HtmlRenderer {
  const maxBytes = options.maxBytesPerRow ?? 4096;
  const maxText = options.maxTextChars ?? 65536;
  const maxRows = options.maxRows ?? 200_000;
  let remaining = options.maxTotalChars ?? 64 * 1024 * 1024;
  const hex = (b: Buffer | undefined, max: number): string | undefined => {
    const n = b ? Math.min(b.length, max, Math.floor(remaining / 2)) : 0;
    if (!b || n <= 0) return undefined;
    remaining -= 2 * n;
    return b.subarray(0, n).toString('hex');
  };
  const keepText = (text: string, max: number): string => {
    const n = Math.max(0, Math.min(text.length, max, remaining));
    remaining -= n;
    return text.slice(0, n);
  };
  const explainer = createExplainer();
  const lanes: LadderData['lanes'] = [];
  const laneIndex = new Map<string, number>();
  const rows: LadderRow[] = [];
  let dropped = 0;
  // Last frame row per connection and side, so a one-frame message joins its frame's arrow.
  const lastFrame = new Map<string, LadderRow>();

  const lane = (name: string, role: 'client' | 'server' | 'unknown'): number => {
    let i = laneIndex.get(name);
    if (i === undefined) {
      i = lanes.length;
      laneIndex.set(name, i);
      lanes.push({ name, role });
    } else if (lanes[i]!.role === 'unknown' && role !== 'unknown') {
      lanes[i]!.role = role;
    }
    return i;
  };
  const roleOf = (from: string | undefined, self: boolean): 'client' | 'server' | 'unknown' =>
    from === 'client'
      ? self
        ? 'client'
        : 'server'
      : from === 'server'
        ? self
          ? 'server'
          : 'client'
        : 'unknown';

  const push = (row: LadderRow): void => {
    if (rows.length >= maxRows) dropped++;
    else rows.push(row);
  };

  const base = (ev: Exclude<WireEvent, { event: 'summary' }>, k: LadderRow['k'], l: string): LadderRow => {
    const from = (ev as { from?: string }).from;
    const s = ev.src ? lane(ev.src, roleOf(from, true)) : 0;
    const d = ev.dst ? lane(ev.dst, roleOf(from, false)) : s;
    const row: LadderRow = { k, t: ev.ts, c: ev.conn, p: ev.packet, s, d, l, x: explainer.explain(ev) };
    if (from === 'client' || from === 'server') row.f = from === 'client' ? 'c' : 's';
    return row;
  };

  const frameRow = (ev: WsFrameEvent): LadderRow => {
    const row = base(
      ev,
      ev.opcode >= 8 ? 'ctl' : 'ws',
      `${opcodeName(ev.opcode)} frame${ev.masked ? ' (masked)' : ''}`,
    );
    row.x = [explainFrame(ev)];
    row.cap = `${ev.length} bytes${ev.fin ? '' : ', more fragments follow'}${ev.rsv1 ? ', compressed' : ''}`;
    if (ev.masked) row.mask = ev.mask;
    row.wire = hex(ev.wirePayload ?? ev.payload, maxBytes);
    if (ev.masked || ev.rsv1) row.plain = hex(ev.payload, maxBytes);
    const kept = (row.wire?.length ?? 0) / 2;
    if (ev.length > kept) row.cut = ev.length - kept;
    // A fragment's own text (a whole one-frame message gets the message's text instead).
    if ((ev.opcode === 0 || (ev.opcode === 1 && !ev.fin)) && !ev.rsv1 && ev.payload)
      row.text = keepText(ev.payload.subarray(0, maxText).toString('utf8'), maxText);
    return row;
  };

  function add(ev: WireEvent): void {
    switch (ev.event) {
      case 'summary':
        return;
      case 'tcp.segment': {
        const pure = ev.len === 0 && (ev.role === 'ack' || ev.role === 'keepalive');
        const k = ev.len > 0 ? 'data' : pure ? 'tcp' : 'hs';
        const row = base(
          ev,
          k,
          ev.len > 0 ? `[${ev.flags}] ${ev.len} bytes` : (SEGMENT_LABEL[ev.role] ?? `[${ev.flags}]`),
        );
        row.cap = `seq ${ev.seq}${ev.ack !== null ? ` ack ${ev.ack}` : ''}`;
        row.line = formatSegmentLine(ev);
        if (ev.raw) {
          const ip = ev.raw.data.subarray(linkHeaderLength(ev.raw.linkType, ev.raw.data));
          row.wire = hex(ip, maxBytes);
          const kept = (row.wire?.length ?? 0) / 2;
          if (ip.length > kept) row.cut = ip.length - kept;
        }
        push(row);
        return;
      }
      case 'http.request':
      case 'http.response': {
        const version = /^HTTP\//i.test(ev.version) ? ev.version : `HTTP/${ev.version}`;
        const first =
          ev.event === 'http.request'
            ? `${ev.method} ${ev.target} ${version}`
            : `${version} ${ev.status} ${ev.reason}`;
        const upgrade = ev.event === 'http.request' ? ev.upgrade : ev.status === 101;
        const row = base(ev, 'http', clip(first, 60));
        row.cap = upgrade
          ? ev.event === 'http.request'
            ? 'WebSocket upgrade request'
            : 'WebSocket upgrade accepted'
          : 'HTTP';
        row.text = keepText([first, ...ev.headers.map(([k, v]) => `${k}: ${v}`)].join('\n'), maxText);
        push(row);
        return;
      }
      case 'ws.frame': {
        const row = frameRow(ev);
        lastFrame.set(`${ev.conn}/${ev.from}`, row);
        push(row);
        return;
      }
      case 'ws.message':
      case 'ws.ping':
      case 'ws.pong':
      case 'ws.close': {
        const key = `${ev.conn}/${ev.from}`;
        const frame = lastFrame.get(key);
        lastFrame.delete(key);
        const single = ev.event !== 'ws.message' || ev.fragments === 1;
        const row = frame && single ? frame : base(ev, ev.event === 'ws.message' ? 'ws' : 'ctl', '');
        const lines = explainer.explain(ev);
        if (ev.event === 'ws.message') {
          const body = ev.text ?? `(binary, ${ev.length} bytes)`;
          row.l = clip(body.replace(/\s+/g, ' '), 56);
          row.text = ev.text !== undefined ? keepText(ev.text, maxText) : undefined;
          if (ev.text === undefined && ev.data_base64)
            row.plain = hex(Buffer.from(ev.data_base64, 'base64'), maxBytes);
          row.cap = ev.chat?.summary ?? lines[0];
          if (!single) row.k = 'ws';
        } else {
          row.l = lines[0] ? clip(lines[0].replace(/^(client|server) /, ''), 56) : ev.event;
        }
        row.x = frame && single ? [...frame.x, ...lines] : lines;
        if (!(frame && single)) push(row);
        return;
      }
      case 'decode.problem':
      case 'tcp.gap':
      case 'tcp.overlap-conflict': {
        const row = base(ev, 'problem', clip(explainer.explain(ev)[0] ?? ev.event, 90));
        row.d = row.s;
        push(row);
        return;
      }
      case 'tcp.out-of-order':
      case 'tcp.retransmission':
        // Normal TCP life: the segment's own arrow already says it.
        explainer.explain(ev);
        return;
      case 'tcp.open':
      case 'tcp.close': {
        const row = base(ev, 'note', clip(explainer.explain(ev)[0] ?? ev.event, 90));
        if (ev.event === 'tcp.open') {
          row.s = lane(ev.client, 'client');
          row.d = lane(ev.server, 'server');
        }
        push(row);
        return;
      }
    }
  }

  const data = (summary?: SummaryEvent): LadderData => ({
    title: options.title ?? 'wirechat capture',
    source: options.source ?? '',
    lanes,
    rows,
    dropped,
    ...(summary ? { summary } : {}),
  });

  return {
    render(events) {
      for (const ev of events) add(ev);
      return '';
    },
    finish(summary) {
      const pieces: string[] = [];
      writePage(data(summary), (piece) => pieces.push(piece));
      return pieces.join('');
    },
    writePage(write, summary) {
      writePage(data(summary), write);
    },
    data: () => data(),
  };
}

/** Renders a whole capture's events at once. */
export function renderHtml(events: readonly WireEvent[], options: HtmlViewOptions = {}): string {
  const r = createHtmlRenderer(options);
  r.render(events);
  const summary = events.find((e): e is SummaryEvent => e.event === 'summary');
  return r.finish(summary);
}

const asset = (name: string): string => readFileSync(new URL(name, import.meta.url), 'utf8');

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON that is safe inside <script>: no '<' (so no "</script>" or "<!--"), no U+2028/2029. */
export function embedJson(value: unknown): string {
  // One pass (a page for a large capture is a string of 100+ MB: each extra pass is a copy).
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => EMBED_ESCAPES[c]!);
}

const EMBED_ESCAPES: Record<string, string> = {
  '<': '\\u003c',
  '>': '\\u003e',
  '&': '\\u0026',
  '\u2028': '\\u2028',
  '\u2029': '\\u2029',
};

/** Rows serialised per piece of the page. */
const ROWS_PER_PIECE = 2000;

function writePage(data: LadderData, write: (piece: string) => void): void {
  write(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(data.title)}</title>
<style>
${asset('./html-ladder.css')}
</style>
</head>
<body>
<script type="application/json" id="wirechat-data">`);
  // Exactly embedJson(data), written in slices: the fields in data()'s order, rows a few
  // thousand at a time.
  const { rows, dropped, summary } = data;
  const head = embedJson({ title: data.title, source: data.source, lanes: data.lanes });
  write(head.slice(0, -1) + ',"rows":[');
  for (let i = 0; i < rows.length; i += ROWS_PER_PIECE) {
    const slice = embedJson(rows.slice(i, i + ROWS_PER_PIECE));
    write((i > 0 ? ',' : '') + slice.slice(1, -1));
  }
  write(`],"dropped":${embedJson(dropped)}${summary ? `,"summary":${embedJson(summary)}` : ''}}`);
  write(`</script>
<script>
${asset('./html-ladder-client.js')}
</script>
</body>
</html>
`);
}
