// What a decoder run counts for its summary event, seen on the way past: packets, bytes and
// connections, WebSocket connections and messages, problems by code. It also works out the
// chat meaning of each ws.message, since that is the one place every message passes once.
import type { Side, SummaryEvent, WireEvent } from '../events.js';
import type { ChatContext } from '../annotate/chat-meaning.js';

/** Problems that mean trouble in the capture (normal TCP life like retransmissions is not counted). */
const PROBLEM_EVENTS = new Set(['decode.problem', 'tcp.gap', 'tcp.overlap-conflict']);

export class RunSummary {
  readonly event: SummaryEvent = {
    event: 'summary',
    ts: 0,
    src: '',
    dst: '',
    packets: 0,
    tcpPackets: 0,
    connections: 0,
    websocketConnections: 0,
    messages: { client: 0, server: 0 },
    bytes: { client: 0, server: 0 },
    problems: 0,
    problemsByCode: {},
    evictions: {},
  };
  /** Connections known to carry WebSocket; entries leave when the connection is released. */
  private readonly wsConns = new Set<number>();
  /** The connection marked last (most events in a row are of one connection): no set lookup. */
  private lastWs = 0;

  constructor(private readonly chat: ChatContext | undefined) {}

  /** Every packet of a connection (bound once: the flow table calls it without `this`). */
  readonly countSegment = (conn: number, from: Side, len: number): void => {
    this.event.bytes[from] += len;
    if (conn > this.event.connections) this.event.connections = conn;
  };

  /** Counts one event (tcp.segment is counted by countSegment, also when none is built). */
  see(ev: WireEvent): void {
    switch (ev.event) {
      case 'tcp.segment':
        break;
      case 'ws.message':
        this.event.messages[ev.from]++;
        if (this.chat && ev.opcode === 1 && ev.text !== undefined && ev.chat === undefined) {
          const meaning = this.chat.describe(ev.conn, ev.from, ev.text);
          if (meaning) ev.chat = meaning;
        }
        this.markWebSocket(ev.conn);
        break;
      case 'ws.frame':
      case 'ws.ping':
      case 'ws.pong':
      case 'ws.close':
        this.markWebSocket(ev.conn);
        break;
      case 'http.response':
        if (ev.status === 101) this.markWebSocket(ev.conn);
        break;
      case 'tcp.close':
        if (ev.how !== 'fin' && ev.how !== 'rst') this.released(ev.conn);
        break;
      default:
        if (PROBLEM_EVENTS.has(ev.event)) this.countProblem(problemCode(ev));
    }
  }

  /** The summary as handed out: a copy, so later counting does not change it. */
  snapshot(evictions: Readonly<Record<string, number>>): SummaryEvent {
    const s = this.event;
    return {
      ...s,
      messages: { ...s.messages },
      bytes: { ...s.bytes },
      problemsByCode: { ...s.problemsByCode },
      evictions: { ...evictions },
    };
  }

  private released(conn: number): void {
    this.chat?.release(conn);
    this.wsConns.delete(conn);
    if (this.lastWs === conn) this.lastWs = 0;
  }

  private markWebSocket(conn: number): void {
    if (conn === this.lastWs) return;
    this.lastWs = conn;
    if (this.wsConns.has(conn)) return;
    this.wsConns.add(conn);
    this.event.websocketConnections++;
  }

  private countProblem(code: string): void {
    this.event.problems++;
    this.event.problemsByCode[code] = (this.event.problemsByCode[code] ?? 0) + 1;
  }
}

function problemCode(ev: WireEvent): string {
  return ev.event === 'decode.problem'
    ? ev.code
    : ev.event.replace('tcp.', 'TCP_').toUpperCase().replace(/-/g, '_');
}
