// The HTML view: one self-contained page (inline CSS and script, no network) that draws the
// capture as a ladder diagram — one lane per endpoint, one arrow per packet or message — with the
// same explanations as the text view and, on click, the decoded text and the wire bytes.
//
// Events are folded into compact rows as they arrive (so a live capture can feed it batch by
// batch); each finished row is serialised at once into the page's bytes (html-row-store.ts) and
// either kept until the page is written or, with `out`, streamed straight into the page. The data
// is JSON inside a <script type="application/json"> block with '<' escaped, so nothing in a
// captured payload can end the script or inject markup. The page's own script
// (html-ladder-client.js) draws only the rows on screen, so large captures stay usable.
//
// Memory and page size are bounded on any input: each message keeps a preview of its text and
// bytes (with how much was left out), the page keeps a total of text and hex, and past a number
// of rows or bytes of row data later rows are only counted; the page says so in a banner.
import type { SummaryEvent, WireEvent, WsFrameEvent } from '../events.js';
import type { TlsEvent } from '../tls/tls-events.js';
import { createTlsFolder } from './html-tls-fold.js';
import { createExplainer, explainFrame, opcodeName } from '../annotate/explain.js';
import { formatSegmentLine, linkHeaderLength } from './format.js';
import { embedJson, pageHead, pageTail } from './html-page.js';
import { HtmlRowStore, type FirstDropped } from './html-row-store.js';
import { clip, compactRow, dropRebuildableHex, labelOf } from './html-row-compact.js';

import type {
  HtmlLimits,
  HtmlRenderer,
  HtmlViewOptions,
  LadderData,
  LadderRow,
} from './html-ladder-types.js';

export { embedJson } from './html-page.js';
export { labelOf } from './html-row-compact.js';
export type {
  HtmlLimits,
  HtmlRenderer,
  HtmlViewOptions,
  LadderData,
  LadderRow,
} from './html-ladder-types.js';

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

export function createHtmlRenderer(options: HtmlViewOptions = {}): HtmlRenderer {
  const maxBytes = options.maxBytesPerRow ?? 1024;
  const maxText = options.maxTextChars ?? 4096;
  const maxRows = options.maxRows ?? 200_000;
  const maxPageBytes = options.maxPageBytes ?? 64 * 1024 * 1024;
  const maxTotalChars = options.maxTotalChars ?? 40 * 1024 * 1024;
  const title = options.title ?? 'wirechat capture';
  const source = options.source ?? '';
  const literalBytes = options.literalBytes ?? 1024 * 1024;
  let remaining = maxTotalChars;
  let bareFrom: FirstDropped | undefined;
  // The event being folded, so a budget cut can say where it started.
  let current: { ts: number; packet: number | null } = { ts: 0, packet: null };
  const spend = (wanted: number): number => {
    const n = Math.max(0, Math.min(wanted, remaining));
    if (n < wanted && !bareFrom) bareFrom = { t: current.ts, p: current.packet };
    remaining -= n;
    return n;
  };
  let headWritten = false;
  const out = options.out;
  const store = new HtmlRowStore(
    { maxRows, maxBytes: maxPageBytes },
    out
      ? (block) => {
          if (!headWritten) out(pageHead(title, source));
          headWritten = true;
          out(block);
        }
      : undefined,
  );
  const hex = (b: Buffer | undefined, max: number): string | undefined => {
    // Rows past the page's limits are only counted: no bytes are copied for them.
    if (!b || store.full) return undefined;
    const n = Math.floor(spend(2 * Math.min(b.length, max)) / 2);
    return n > 0 ? b.subarray(0, n).toString('hex') : undefined;
  };
  /** Keeps a preview of `text` on `row`, with the bytes left out (of `bytes`, the whole). */
  const keepText = (row: LadderRow, text: string, bytes?: number): void => {
    if (store.full) return;
    const n = spend(Math.min(text.length, maxText));
    if (n === 0 && text.length > 0) return;
    const kept = text.slice(0, n);
    row.text = kept;
    if (n < text.length) row.tcut = (bytes ?? Buffer.byteLength(text)) - Buffer.byteLength(kept);
  };
  const explainer = createExplainer();
  const lanes: LadderData['lanes'] = [];
  const laneIndex = new Map<string, number>();
  // Rows not serialised yet: a frame's row waits for its message (which may join it), and the
  // rows after it wait with it so the page keeps their order.
  let pending: LadderRow[] = [];
  // Last frame row per connection and side, so a one-frame message joins its frame's arrow,
  // with the batch it came in: a frame waits at most until the end of the next batch.
  const lastFrame = new Map<string, { row: LadderRow; batch: number }>();
  let batch = 0;

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
    pending.push(row);
  };

  /** Drops a row's hex when the page's script can rebuild it from the text (and refunds it). */
  const bytesFromText = (row: LadderRow): void => {
    if (store.bytes >= literalBytes) remaining += dropRebuildableHex(row, maxBytes);
  };
  const compact = (row: LadderRow): LadderRow => (store.bytes >= literalBytes ? compactRow(row) : row);

  /** Serialises every pending row that no longer waits for a message. */
  const settle = (all: boolean): void => {
    const waiting = new Set<LadderRow>();
    for (const [key, f] of lastFrame) {
      if (all || f.batch < batch) lastFrame.delete(key);
      else waiting.add(f.row);
    }
    let i = 0;
    while (i < pending.length && !waiting.has(pending[i]!)) store.add(compact(pending[i++]!));
    pending = i === pending.length ? [] : pending.slice(i);
  };

  const base = (ev: Exclude<WireEvent, { event: 'summary' }>, k: LadderRow['k'], l: string): LadderRow => {
    const from = (ev as { from?: string }).from;
    // Rows past the page's limits are only counted: their endpoints get no lane (a capture of a
    // million endpoints must not grow the lane table).
    const s = ev.src && !store.full ? lane(ev.src, roleOf(from, true)) : 0;
    const d = ev.dst && !store.full ? lane(ev.dst, roleOf(from, false)) : s;
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
    if ((ev.opcode === 0 || (ev.opcode === 1 && !ev.fin)) && !ev.rsv1 && ev.payload) {
      keepText(row, ev.payload.subarray(0, maxText).toString('utf8'), ev.payload.length);
      bytesFromText(row);
    }
    return row;
  };

  const tlsFolder = createTlsFolder({
    row: (ev) => base(ev as unknown as Exclude<WireEvent, { event: 'summary' }>, 'tls', ''),
    push,
    open: (row) => pending.includes(row),
    explain: (ev) => explainer.explain(ev as unknown as WireEvent),
  });

  function add(ev: WireEvent): void {
    if (ev.event === 'summary') return;
    current = { ts: ev.ts, packet: ev.packet };
    // The TLS layer's events travel with the others; here they fold into one row per group.
    if ((ev.event as string).startsWith('tls.')) return tlsFolder.add(ev as unknown as TlsEvent);
    if (ev.event === 'tcp.close') tlsFolder.forget(ev.conn);
    switch (ev.event) {
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
        keepText(row, [first, ...ev.headers.map(([k, v]) => `${k}: ${v}`)].join('\n'));
        push(row);
        return;
      }
      case 'ws.frame': {
        const row = frameRow(ev);
        lastFrame.set(`${ev.conn}/${ev.from}`, { row, batch });
        push(row);
        return;
      }
      case 'ws.message':
      case 'ws.ping':
      case 'ws.pong':
      case 'ws.close': {
        const key = `${ev.conn}/${ev.from}`;
        const frame = lastFrame.get(key)?.row;
        lastFrame.delete(key);
        const single = ev.event !== 'ws.message' || ev.fragments === 1;
        const row = frame && single ? frame : base(ev, ev.event === 'ws.message' ? 'ws' : 'ctl', '');
        const lines = explainer.explain(ev);
        if (ev.event === 'ws.message') {
          row.l = ev.text !== undefined ? labelOf(ev.text) : `(binary, ${ev.length} bytes)`;
          if (ev.text !== undefined) keepText(row, ev.text, ev.length);
          else delete row.text;
          if (frame && single && !ev.compressed) bytesFromText(row);
          if (ev.text === undefined && ev.data_base64 && !store.full)
            row.plain = hex(Buffer.from(ev.data_base64, 'base64'), maxBytes);
          row.cap = lines[0];
          // A chat message's arrow says what it means ("mynick says …"), its caption how the
          // content starts: raw JSON cut at a label's length rarely reaches the part that matters.
          if (ev.chat) {
            row.l = clip(ev.chat.summary, 64);
            if (ev.text !== undefined) row.cap = labelOf(ev.text);
          }
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
        if (ev.event === 'tcp.open' && !store.full) {
          row.s = lane(ev.client, 'client');
          row.d = lane(ev.server, 'server');
        }
        push(row);
        return;
      }
    }
  }

  const limits = (): HtmlLimits => ({
    maxRows,
    maxPageBytes,
    maxTextChars: maxText,
    maxBytesPerRow: maxBytes,
    maxTotalChars,
    pageBytes: store.bytes,
    ...(store.firstDropped ? { firstDropped: store.firstDropped } : {}),
    ...(bareFrom ? { bareFrom } : {}),
  });

  const writePage = (write: (piece: string | Buffer) => void, summary?: SummaryEvent): void => {
    settle(true);
    if (!headWritten) write(pageHead(title, source));
    headWritten = true;
    store.drain(write);
    write(pageTail({ lanes, dropped: store.dropped, limits: limits(), summary }));
  };

  return {
    render(events) {
      batch++;
      for (const ev of events) add(ev);
      settle(false);
      return '';
    },
    finish(summary) {
      const pieces: Buffer[] = [];
      writePage((piece) => pieces.push(typeof piece === 'string' ? Buffer.from(piece) : piece), summary);
      return Buffer.concat(pieces).toString();
    },
    writePage,
    data: () => ({
      title,
      source,
      lanes,
      rows: [...store.rows<LadderRow>(), ...(JSON.parse(embedJson(pending)) as LadderRow[])],
      dropped: store.dropped,
      limits: limits(),
    }),
  };
}

/** Renders a whole capture's events at once. */
export function renderHtml(events: readonly WireEvent[], options: HtmlViewOptions = {}): string {
  const r = createHtmlRenderer(options);
  r.render(events);
  const summary = events.find((e): e is SummaryEvent => e.event === 'summary');
  return r.finish(summary);
}
