// The text view: a timeline like the seed document. Each packet in tcpdump's one-line form,
// then, indented, what it is ("TCP three-way handshake…", "client frame, masked with key
// 0x…: unmasked text message") and the decoded message itself.
import type {
  HttpRequestEvent,
  HttpResponseEvent,
  SummaryEvent,
  TcpSegmentEvent,
  WireEvent,
  WsFrameEvent,
  WsMessageEvent,
} from '../events.js';
import { createExplainer, explainFrame, tcpdumpEndpoint } from '../annotate/explain.js';
import { formatSegmentLine, formatTime, safeText, type TimePrecision } from './format.js';
import { messageBodyLines } from './message-body.js';

export interface TextViewOptions {
  /** ANSI colours (only on a terminal, never with NO_COLOR). */
  color?: boolean;
  /** Print times in UTC instead of local time (golden tests). */
  utc?: boolean;
  /** Hide segments that carry nothing but an acknowledgement. */
  hideAcks?: boolean;
  /** Hide every TCP segment line; show only what the connection carried. */
  hideTcp?: boolean;
  /** Most characters of a message body shown (default 2000). */
  maxBodyChars?: number;
  /** 'micro' (tcpdump's default, the default) or 'nano' (tcpdump --time-stamp-precision=nano). */
  precision?: TimePrecision;
}

export interface TextRenderer {
  render(events: readonly WireEvent[]): string;
}

const ANSI = {
  dim: '\x1b[2m',
  bold: '\x1b[1m',
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  cyan: '\x1b[36m',
  reset: '\x1b[0m',
};

const INDENT = '    ';

function isControl(ev: WireEvent): boolean {
  return ev.event === 'ws.ping' || ev.event === 'ws.pong' || ev.event === 'ws.close';
}

/** The per-event lines of the text view, in a small class: what it remembers between events is
 * the packet whose line was printed last and the exact time of the last segment. */
class TextTimeline implements TextRenderer {
  private readonly explainer = createExplainer();
  private readonly maxBodyChars: number;
  private readonly utc: boolean;
  private readonly precision: TimePrecision;
  /** Packet whose header line was printed last (so later events of the same packet sit under it). */
  private lastPacket = -1;
  // Events after a segment carry only its double ts; the segment's raw packet has the exact
  // nanoseconds. Remembered for the last segment only (memory stays flat), and used only for an
  // event of that very packet and time.
  private exactPacket = -1;
  private exactTs = NaN;
  private exactNsec: number | undefined;
  /** The text of the batch being rendered. */
  private out = '';

  constructor(private readonly options: TextViewOptions) {
    this.maxBodyChars = options.maxBodyChars ?? 2000;
    this.utc = options.utc ?? false;
    this.precision = options.precision ?? 'micro';
  }

  render(events: readonly WireEvent[]): string {
    this.out = '';
    // An event may be shown together with the next one (a frame and its message): it is skipped.
    for (let i = 0; i < events.length; i++) i += this.event(events[i]!, events[i + 1]);
    const out = this.out;
    this.out = '';
    return out;
  }

  /** Writes one event; returns 1 when `next` was shown with it, else 0. */
  private event(ev: WireEvent, next: WireEvent | undefined): number {
    switch (ev.event) {
      case 'summary':
        return 0;
      case 'tcp.segment':
        this.segment(ev, next);
        return 0;
      case 'ws.frame':
        return this.frame(ev, next);
      case 'ws.message':
        this.out += this.header(ev) + this.message(ev);
        return 0;
      case 'decode.problem':
      case 'tcp.gap':
      case 'tcp.overlap-conflict':
        this.out += this.header(ev) + this.note(this.explainer.explain(ev)[0]!, 'red');
        return 0;
      case 'http.request':
      case 'http.response':
        this.http(ev);
        return 0;
      default: {
        const lines = this.explainer.explain(ev);
        if (lines.length === 0) return 0;
        this.out += this.header(ev);
        for (const line of lines) this.out += this.note(line);
        return 0;
      }
    }
  }

  private segment(ev: TcpSegmentEvent, next: WireEvent | undefined): void {
    this.exactPacket = ev.packet;
    this.exactTs = ev.ts;
    this.exactNsec = ev.raw?.tsNsec;
    const lines = this.explainer.explain(ev);
    const pureAck = ev.len === 0 && (ev.role === 'ack' || ev.role === 'keepalive');
    if (this.options.hideTcp || (this.options.hideAcks && pureAck)) return;
    this.lastPacket = ev.packet;
    this.out += `${this.paint('cyan', this.time(ev))} ${formatSegmentLine(ev)}\n`;
    // A data segment's own line ("sends 38 bytes") is noise when its content is explained next.
    const explainedNext = ev.role === 'data' && next !== undefined && next.event !== 'tcp.segment';
    if (!explainedNext) for (const line of lines) this.out += this.note(line, 'dim');
  }

  /** A frame; a whole message or control frame is said in one line with what it carried. */
  private frame(ev: WsFrameEvent, next: WireEvent | undefined): number {
    const joins =
      next !== undefined &&
      ev.fin &&
      ev.opcode !== 0 &&
      (next.event === 'ws.message' || isControl(next)) &&
      (next as { conn?: number }).conn === ev.conn &&
      (next as { from?: string }).from === ev.from;
    this.out += this.header(ev);
    if (joins && next.event === 'ws.message') {
      this.out += this.message(next, ev);
      return 1;
    }
    if (joins) {
      const [control] = this.explainer.explain(next);
      const what = control!.replace(/^(client|server) /, '');
      this.out += this.note(`${explainFrame(ev).replace(/:.*$/, '')}: ${what}`);
      return 1;
    }
    this.out += this.note(explainFrame(ev));
    return 0;
  }

  private http(ev: HttpRequestEvent | HttpResponseEvent): void {
    this.out += this.header(ev);
    for (const line of this.explainer.explain(ev)) this.out += this.note(line);
    const version = /^HTTP\//i.test(ev.version) ? ev.version : `HTTP/${ev.version}`;
    const first =
      ev.event === 'http.request'
        ? `${ev.method} ${ev.target} ${version}`
        : `${version} ${ev.status} ${ev.reason}`;
    for (const line of [first, ...ev.headers.map(([k, v]) => `${k}: ${v}`)]) {
      this.out += `${INDENT}${this.paint('dim', '|')} ${safeText(line)}\n`;
    }
  }

  private message(m: WsMessageEvent, frame?: WsFrameEvent): string {
    const [head, meaning] = this.explainer.explain(m);
    const first = frame ? `${explainFrame(frame).replace(/:.*$/, '')}: ${head}` : head!;
    let out = this.note(first);
    if (meaning) out += this.note(meaning, 'green');
    for (const line of messageBodyLines(m, { maxChars: this.maxBodyChars }))
      out += `${INDENT}${this.paint('dim', '|')} ${line}\n`;
    return out;
  }

  /** The short header of an event shown without its segment line (hidden ACKs, --no-tcp). */
  private header(ev: WireEvent): string {
    if (ev.event === 'summary' || ev.packet === null || ev.packet === this.lastPacket) return '';
    this.lastPacket = ev.packet;
    const where = ev.src ? ` ${tcpdumpEndpoint(ev.src)} > ${tcpdumpEndpoint(ev.dst)}` : '';
    const conn = ev.conn !== null ? ` (connection ${ev.conn})` : '';
    return `${this.paint('cyan', this.time(ev))}${where}${conn}\n`;
  }

  private note(line: string, style: keyof typeof ANSI = 'yellow'): string {
    return `${INDENT}${this.paint(style, safeText(line))}\n`;
  }

  private paint(code: keyof typeof ANSI, s: string): string {
    return this.options.color ? `${ANSI[code]}${s}${ANSI.reset}` : s;
  }

  private time(ev: { ts: number; packet: number | null }): string {
    const exact = ev.packet === this.exactPacket && ev.ts === this.exactTs ? this.exactNsec : undefined;
    return formatTime(ev.ts, this.utc, exact, this.precision);
  }
}

export function createTextRenderer(options: TextViewOptions = {}): TextRenderer {
  return new TextTimeline(options);
}

/** The run's summary as a few human lines (stderr on a terminal, end of the text view). */
/** "1 packet", "2 packets", "0 packets". */
const count = (n: number, one: string): string => `${n} ${n === 1 ? one : `${one}s`}`;

export function formatSummary(s: SummaryEvent): string {
  const problems = Object.entries(s.problemsByCode)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${safeText(code)} ×${n}`)
    .join(', ');
  return [
    `summary: ${count(s.packets, 'packet')} (${s.tcpPackets} TCP), ${count(s.connections, 'connection')} (${s.websocketConnections} WebSocket)`,
    `  messages: ${s.messages.client} from clients, ${s.messages.server} from servers`,
    `  bytes: ${s.bytes.client} from clients, ${s.bytes.server} from servers`,
    `  problems: ${s.problems}${problems ? ` (${problems})` : ''}`,
    ...evictionLine(s),
  ].join('\n');
}

/** The state given up to stay within the memory budget, when there was any. */
function evictionLine(s: SummaryEvent): string[] {
  const entries = Object.entries(s.evictions ?? {});
  if (entries.length === 0) return [];
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  return [
    `  evictions (memory budget): ${total} (${entries.map(([code, n]) => `${code} ×${n}`).join(', ')})`,
  ];
}
