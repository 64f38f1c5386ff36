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
import type {
  DecodeProblemEvent,
  HttpRequestEvent,
  HttpResponseEvent,
  SummaryEvent,
  TcpCloseEvent,
  TcpOpenEvent,
  TcpProblemEvent,
  TcpSegmentEvent,
  WireEvent,
  WsControlEvent,
  WsFrameEvent,
  WsMessageEvent,
} from '../events.js';
import type { TlsEvent } from '../tls/tls-events.js';
import { createTlsFolder } from './html-tls-fold.js';
import { createExplainer, explainFrame, opcodeName } from '../annotate/explain.js';
import { formatSegmentLine, linkHeaderLength } from './format.js';
import { embedJson, pageHead, pageTail } from './html-page.js';
import { HtmlRowStore } from './html-row-store.js';
import { clip, labelOf } from './html-row-compact.js';
import { RowContent } from './html-row-content.js';
import { Lanes, roleOf } from './html-lanes.js';
import { PendingRows } from './html-pending-rows.js';

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

type RowEvent = Exclude<WireEvent, { event: 'summary' }>;

/** The limits of a page, each option's default filled in. */
interface PageLimits {
  maxBytes: number;
  maxText: number;
  maxRows: number;
  maxPageBytes: number;
  maxTotalChars: number;
  literalBytes: number;
}

function pageLimits(options: HtmlViewOptions): PageLimits {
  return {
    maxBytes: options.maxBytesPerRow ?? 1024,
    maxText: options.maxTextChars ?? 4096,
    maxRows: options.maxRows ?? 200_000,
    maxPageBytes: options.maxPageBytes ?? 64 * 1024 * 1024,
    maxTotalChars: options.maxTotalChars ?? 40 * 1024 * 1024,
    literalBytes: options.literalBytes ?? 1024 * 1024,
  };
}

/**
 * The page being built. Its state is where the page's head is: 'unwritten' until the first row
 * block or the page itself is written, then 'written'; each event becomes a row (or joins one)
 * in the method for its kind.
 */
class HtmlLadder implements HtmlRenderer {
  private readonly title: string;
  private readonly source: string;
  private readonly limits: PageLimits;
  private readonly store: HtmlRowStore;
  private readonly content: RowContent;
  private readonly lanes = new Lanes();
  private readonly pending = new PendingRows();
  private readonly explainer = createExplainer();
  private readonly tls: ReturnType<typeof createTlsFolder>;
  private head: 'unwritten' | 'written' = 'unwritten';

  constructor(options: HtmlViewOptions) {
    this.title = options.title ?? 'wirechat capture';
    this.source = options.source ?? '';
    this.limits = pageLimits(options);
    const out = options.out;
    this.store = new HtmlRowStore(
      { maxRows: this.limits.maxRows, maxBytes: this.limits.maxPageBytes },
      out
        ? (block) => {
            this.writeHead(out);
            out(block);
          }
        : undefined,
    );
    this.content = new RowContent(this.limits, this.store);
    this.tls = createTlsFolder({
      row: (ev) => this.base(ev as unknown as RowEvent, 'tls', ''),
      push: (row) => this.pending.push(row),
      open: (row) => this.pending.includes(row),
      explain: (ev) => this.explainer.explain(ev as unknown as WireEvent),
    });
  }

  render(events: readonly WireEvent[]): string {
    this.pending.nextBatch();
    for (const ev of events) this.add(ev);
    this.settle(false);
    return '';
  }

  finish(summary?: SummaryEvent): string {
    const pieces: Buffer[] = [];
    this.writePage((piece) => pieces.push(typeof piece === 'string' ? Buffer.from(piece) : piece), summary);
    return Buffer.concat(pieces).toString();
  }

  writePage(write: (piece: string | Buffer) => void, summary?: SummaryEvent): void {
    this.settle(true);
    this.writeHead(write);
    this.store.drain(write);
    write(
      pageTail({ lanes: this.lanes.list, dropped: this.store.dropped, limits: this.pageLimits(), summary }),
    );
  }

  data(): LadderData {
    return {
      title: this.title,
      source: this.source,
      lanes: this.lanes.list,
      rows: [
        ...this.store.rows<LadderRow>(),
        ...(JSON.parse(embedJson(this.pending.waiting)) as LadderRow[]),
      ],
      dropped: this.store.dropped,
      limits: this.pageLimits(),
    };
  }

  private writeHead(write: (piece: string) => void): void {
    if (this.head === 'written') return;
    write(pageHead(this.title, this.source));
    this.head = 'written';
  }

  /** Serialises every pending row that no longer waits for a message. */
  private settle(all: boolean): void {
    this.pending.settle(all, (row) => this.store.add(this.content.compact(row)));
  }

  private pageLimits(): HtmlLimits {
    const { store, limits } = this;
    return {
      maxRows: limits.maxRows,
      maxPageBytes: limits.maxPageBytes,
      maxTextChars: limits.maxText,
      maxBytesPerRow: limits.maxBytes,
      maxTotalChars: limits.maxTotalChars,
      pageBytes: store.bytes,
      ...(store.firstDropped ? { firstDropped: store.firstDropped } : {}),
      ...(this.content.bareFrom ? { bareFrom: this.content.bareFrom } : {}),
    };
  }

  private add(ev: WireEvent): void {
    if (ev.event === 'summary') return;
    this.content.at(ev.ts, ev.packet);
    // The TLS layer's events travel with the others; here they fold into one row per group.
    if ((ev.event as string).startsWith('tls.')) return this.tls.add(ev as unknown as TlsEvent);
    if (ev.event === 'tcp.close') this.tls.forget(ev.conn);
    switch (ev.event) {
      case 'tcp.segment':
        return this.segment(ev);
      case 'http.request':
      case 'http.response':
        return this.http(ev);
      case 'ws.frame':
        return this.frame(ev);
      case 'ws.message':
        return this.message(ev);
      case 'ws.ping':
      case 'ws.pong':
      case 'ws.close':
        return this.control(ev);
      case 'decode.problem':
      case 'tcp.gap':
      case 'tcp.overlap-conflict':
        return this.problem(ev);
      case 'tcp.out-of-order':
      case 'tcp.retransmission':
        // Normal TCP life: the segment's own arrow already says it.
        this.explainer.explain(ev);
        return;
      case 'tcp.open':
      case 'tcp.close':
        return this.note(ev);
    }
  }

  /** A new row for the event: its lanes, time, connection and explanation. */
  private base(ev: RowEvent, k: LadderRow['k'], l: string): LadderRow {
    const from = (ev as { from?: string }).from;
    // Rows past the page's limits are only counted: their endpoints get no lane (a capture of a
    // million endpoints must not grow the lane table).
    const full = this.store.full;
    const s = ev.src && !full ? this.lanes.of(ev.src, roleOf(from, true)) : 0;
    const d = ev.dst && !full ? this.lanes.of(ev.dst, roleOf(from, false)) : s;
    const row: LadderRow = { k, t: ev.ts, c: ev.conn, p: ev.packet, s, d, l, x: this.explainer.explain(ev) };
    if (from === 'client' || from === 'server') row.f = from === 'client' ? 'c' : 's';
    return row;
  }

  private segment(ev: TcpSegmentEvent): void {
    const pure = ev.len === 0 && (ev.role === 'ack' || ev.role === 'keepalive');
    const k = ev.len > 0 ? 'data' : pure ? 'tcp' : 'hs';
    const label = ev.len > 0 ? `[${ev.flags}] ${ev.len} bytes` : (SEGMENT_LABEL[ev.role] ?? `[${ev.flags}]`);
    const row = this.base(ev, k, label);
    row.cap = `seq ${ev.seq}${ev.ack !== null ? ` ack ${ev.ack}` : ''}`;
    row.line = formatSegmentLine(ev);
    if (ev.raw) {
      const ip = ev.raw.data.subarray(linkHeaderLength(ev.raw.linkType, ev.raw.data));
      row.wire = this.content.hex(ip);
      const kept = (row.wire?.length ?? 0) / 2;
      if (ip.length > kept) row.cut = ip.length - kept;
    }
    this.pending.push(row);
  }

  private http(ev: HttpRequestEvent | HttpResponseEvent): void {
    const version = /^HTTP\//i.test(ev.version) ? ev.version : `HTTP/${ev.version}`;
    const request = ev.event === 'http.request';
    const first = request ? `${ev.method} ${ev.target} ${version}` : `${version} ${ev.status} ${ev.reason}`;
    const upgrade = request ? ev.upgrade : ev.status === 101;
    const row = this.base(ev, 'http', clip(first, 60));
    row.cap = upgrade ? (request ? 'WebSocket upgrade request' : 'WebSocket upgrade accepted') : 'HTTP';
    this.content.text(row, [first, ...ev.headers.map(([k, v]) => `${k}: ${v}`)].join('\n'));
    this.pending.push(row);
  }

  private frame(ev: WsFrameEvent): void {
    const kind = ev.opcode >= 8 ? 'ctl' : 'ws';
    const row = this.base(ev, kind, `${opcodeName(ev.opcode)} frame${ev.masked ? ' (masked)' : ''}`);
    row.x = [explainFrame(ev)];
    row.cap = `${ev.length} bytes${ev.fin ? '' : ', more fragments follow'}${ev.rsv1 ? ', compressed' : ''}`;
    if (ev.masked) row.mask = ev.mask;
    row.wire = this.content.hex(ev.wirePayload ?? ev.payload);
    if (ev.masked || ev.rsv1) row.plain = this.content.hex(ev.payload);
    const kept = (row.wire?.length ?? 0) / 2;
    if (ev.length > kept) row.cut = ev.length - kept;
    // A fragment's own text (a whole one-frame message gets the message's text instead).
    if ((ev.opcode === 0 || (ev.opcode === 1 && !ev.fin)) && !ev.rsv1 && ev.payload) {
      const text = ev.payload.subarray(0, this.limits.maxText).toString('utf8');
      this.content.text(row, text, ev.payload.length);
      this.content.bytesFromText(row);
    }
    this.pending.holdFrame(`${ev.conn}/${ev.from}`, row);
    this.pending.push(row);
  }

  /** A message: on its frame's arrow when it came in one frame, else an arrow of its own. */
  private message(ev: WsMessageEvent): void {
    const frame = this.pending.takeFrame(`${ev.conn}/${ev.from}`);
    const single = ev.fragments === 1;
    const joined = frame !== undefined && single;
    const row = joined ? frame : this.base(ev, 'ws', '');
    const lines = this.explainer.explain(ev);
    row.l = ev.text !== undefined ? labelOf(ev.text) : `(binary, ${ev.length} bytes)`;
    if (ev.text !== undefined) this.content.text(row, ev.text, ev.length);
    else delete row.text;
    if (joined && !ev.compressed) this.content.bytesFromText(row);
    if (ev.text === undefined && ev.data_base64 && !this.store.full)
      row.plain = this.content.hex(Buffer.from(ev.data_base64, 'base64'));
    row.cap = lines[0];
    // A chat message's arrow says what it means ("mynick says …"), its caption how the content
    // starts: raw JSON cut at a label's length rarely reaches the part that matters.
    if (ev.chat) {
      row.l = clip(ev.chat.summary, 64);
      if (ev.text !== undefined) row.cap = labelOf(ev.text);
    }
    row.x = joined ? [...frame.x, ...lines] : lines;
    if (!joined) this.pending.push(row);
  }

  /** A ping, pong or close: on its frame's arrow when there is one. */
  private control(ev: WsControlEvent): void {
    const frame = this.pending.takeFrame(`${ev.conn}/${ev.from}`);
    const row = frame ?? this.base(ev, 'ctl', '');
    const lines = this.explainer.explain(ev);
    row.l = lines[0] ? clip(lines[0].replace(/^(client|server) /, ''), 56) : ev.event;
    row.x = frame ? [...frame.x, ...lines] : lines;
    if (!frame) this.pending.push(row);
  }

  private problem(ev: DecodeProblemEvent | TcpProblemEvent): void {
    const row = this.base(ev, 'problem', clip(this.explainer.explain(ev)[0] ?? ev.event, 90));
    row.d = row.s;
    this.pending.push(row);
  }

  private note(ev: TcpOpenEvent | TcpCloseEvent): void {
    const row = this.base(ev, 'note', clip(this.explainer.explain(ev)[0] ?? ev.event, 90));
    if (ev.event === 'tcp.open' && !this.store.full) {
      row.s = this.lanes.of(ev.client, 'client');
      row.d = this.lanes.of(ev.server, 'server');
    }
    this.pending.push(row);
  }
}

export function createHtmlRenderer(options: HtmlViewOptions = {}): HtmlRenderer {
  return new HtmlLadder(options);
}

/** Renders a whole capture's events at once. */
export function renderHtml(events: readonly WireEvent[], options: HtmlViewOptions = {}): string {
  const r = createHtmlRenderer(options);
  r.render(events);
  const summary = events.find((e): e is SummaryEvent => e.event === 'summary');
  return r.finish(summary);
}
