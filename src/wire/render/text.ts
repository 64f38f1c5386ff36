// The text view: a timeline like the seed document. Each packet in tcpdump's one-line form,
// then, indented, what it is ("TCP three-way handshake…", "client frame, masked with key
// 0x…: unmasked text message") and the decoded message itself.
import type { SummaryEvent, WireEvent, WsFrameEvent, WsMessageEvent } from '../events.js';
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

export function createTextRenderer(options: TextViewOptions = {}): TextRenderer {
  const explainer = createExplainer();
  const maxBodyChars = options.maxBodyChars ?? 2000;
  const paint = (code: keyof typeof ANSI, s: string): string =>
    options.color ? `${ANSI[code]}${s}${ANSI.reset}` : s;
  /** Packet whose header line was printed last (so later events of the same packet sit under it). */
  let lastPacket = -1;
  const utc = options.utc ?? false;
  const precision = options.precision ?? 'micro';
  // Events after a segment carry only its double ts; the segment's raw packet has the exact
  // nanoseconds. Remembered for the last segment only (memory stays flat), and used only for an
  // event of that very packet and time.
  let exactPacket = -1;
  let exactTs = NaN;
  let exactNsec: number | undefined;
  const time = (ev: { ts: number; packet: number | null }): string =>
    formatTime(ev.ts, utc, ev.packet === exactPacket && ev.ts === exactTs ? exactNsec : undefined, precision);

  const note = (line: string, style: keyof typeof ANSI = 'yellow'): string =>
    `${INDENT}${paint(style, safeText(line))}\n`;

  const header = (ev: WireEvent): string => {
    // Events shown without their segment line (hidden ACKs, --no-tcp) get a short header.
    if (ev.event === 'summary' || ev.packet === null || ev.packet === lastPacket) return '';
    lastPacket = ev.packet;
    const where = ev.src ? ` ${tcpdumpEndpoint(ev.src)} > ${tcpdumpEndpoint(ev.dst)}` : '';
    const conn = ev.conn !== null ? ` (connection ${ev.conn})` : '';
    return `${paint('cyan', time(ev))}${where}${conn}\n`;
  };

  const body = (m: WsMessageEvent): string => {
    let out = '';
    for (const line of messageBodyLines(m, { maxChars: maxBodyChars }))
      out += `${INDENT}${paint('dim', '|')} ${line}\n`;
    return out;
  };

  const message = (m: WsMessageEvent, frame?: WsFrameEvent): string => {
    const [head, meaning] = explainer.explain(m);
    const first = frame ? `${explainFrame(frame).replace(/:.*$/, '')}: ${head}` : head!;
    let out = note(first);
    if (meaning) out += note(meaning, 'green');
    return out + body(m);
  };

  return {
    render(events) {
      let out = '';
      for (let i = 0; i < events.length; i++) {
        const ev = events[i]!;
        switch (ev.event) {
          case 'summary':
            continue;
          case 'tcp.segment': {
            exactPacket = ev.packet;
            exactTs = ev.ts;
            exactNsec = ev.raw?.tsNsec;
            const lines = explainer.explain(ev);
            const pureAck = ev.len === 0 && (ev.role === 'ack' || ev.role === 'keepalive');
            if (options.hideTcp || (options.hideAcks && pureAck)) continue;
            lastPacket = ev.packet;
            out += `${paint('cyan', time(ev))} ${formatSegmentLine(ev)}\n`;
            // A data segment's own line ("sends 38 bytes") is noise when its content is explained next.
            const next = events[i + 1];
            const explainedNext = ev.role === 'data' && next !== undefined && next.event !== 'tcp.segment';
            if (!explainedNext) for (const line of lines) out += note(line, 'dim');
            continue;
          }
          case 'ws.frame': {
            const next = events[i + 1];
            const joins =
              next !== undefined &&
              ev.fin &&
              ev.opcode !== 0 &&
              (next.event === 'ws.message' || isControl(next)) &&
              (next as { conn?: number }).conn === ev.conn &&
              (next as { from?: string }).from === ev.from;
            out += header(ev);
            if (joins && next.event === 'ws.message') {
              out += message(next, ev);
              i++;
            } else if (joins) {
              const [control] = explainer.explain(next);
              out += note(
                `${explainFrame(ev).replace(/:.*$/, '')}: ${control!.replace(/^(client|server) /, '')}`,
              );
              i++;
            } else {
              out += note(explainFrame(ev));
            }
            continue;
          }
          case 'ws.message':
            out += header(ev) + message(ev);
            continue;
          case 'decode.problem':
            out += header(ev) + note(explainer.explain(ev)[0]!, 'red');
            continue;
          case 'tcp.gap':
          case 'tcp.overlap-conflict':
            out += header(ev) + note(explainer.explain(ev)[0]!, 'red');
            continue;
          case 'http.request':
          case 'http.response': {
            out += header(ev);
            for (const line of explainer.explain(ev)) out += note(line);
            const version = /^HTTP\//i.test(ev.version) ? ev.version : `HTTP/${ev.version}`;
            const first =
              ev.event === 'http.request'
                ? `${ev.method} ${ev.target} ${version}`
                : `${version} ${ev.status} ${ev.reason}`;
            for (const line of [first, ...ev.headers.map(([k, v]) => `${k}: ${v}`)]) {
              out += `${INDENT}${paint('dim', '|')} ${safeText(line)}\n`;
            }
            continue;
          }
          default: {
            const lines = explainer.explain(ev);
            if (lines.length === 0) continue;
            out += header(ev);
            for (const line of lines) out += note(line);
          }
        }
      }
      return out;
    },
  };
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
