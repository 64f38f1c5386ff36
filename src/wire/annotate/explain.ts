// Explains events in words, the way the seed document comments its tcpdump capture:
// "TCP three-way handshake: 127.0.0.1.60653 asks to connect (SYN)", "acknowledges 715 bytes",
// "client frame, masked with key 0x…". Used by the text and HTML views; the jsonl view does
// not pay for it. Stateful (acknowledged bytes are counted per connection and side); state is
// released when a connection closes.
import { explainTls } from '../tls/explain-tls.js';
import type { TlsEvent } from '../tls/tls-events.js';
import type { Side, WireEvent, WsFrameEvent } from '../events.js';
import { opcodeName } from '../../shared/websocket-framing.js';
import {
  explainClose,
  explainHttpRequest,
  explainHttpResponse,
  explainMessage,
  explainPingPong,
  plural,
} from './explain-messages.js';

/** "127.0.0.1:7272" → "127.0.0.1.7272", "[::1]:7272" → "::1.7272" (tcpdump's way). */
export function tcpdumpEndpoint(endpoint: string): string {
  const colon = endpoint.lastIndexOf(':');
  if (colon < 0) return endpoint;
  let host = endpoint.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return `${host}.${endpoint.slice(colon + 1)}`;
}

// Opcode and close code names come from the one framing module; opcodeName stays exported here
// for the views that import it from the explainer.
export { opcodeName };

/** One line about a frame: "client frame, masked with key 0x5f2b0c1a: text, FIN, 32 bytes". */
export function explainFrame(f: WsFrameEvent): string {
  const bits = [opcodeName(f.opcode)];
  bits.push(f.fin ? 'FIN' : 'not FIN (more fragments follow)');
  if (f.rsv1) bits.push('RSV1 (compressed)');
  if (f.rsv2) bits.push('RSV2');
  if (f.rsv3) bits.push('RSV3');
  bits.push(plural(f.length, 'byte'));
  const mask = f.masked
    ? `, masked with key 0x${f.mask ?? '????????'}`
    : f.from === 'client'
      ? ', NOT masked'
      : '';
  return `${f.from} frame${mask}: ${bits.join(', ')}`;
}

export interface Explainer {
  /** Explanation lines for one event (empty when there is nothing to say). */
  explain(event: WireEvent): string[];
}

export function createExplainer(): Explainer {
  return new EventExplainer();
}

type EventNamed<N extends WireEvent['event']> = Extract<WireEvent, { event: N }>;

const CLOSE_HOW: Record<EventNamed<'tcp.close'>['how'], (from: Side) => string> = {
  fin: (from) => `the ${from} finished sending (FIN)`,
  rst: (from) => `the ${from} reset it (RST)`,
  'both-fin': () => 'both sides finished (FIN both ways)',
  idle: () => 'idle for too long, no longer tracked',
  'end-of-capture': () => 'still open when the capture ended',
  evicted: () => 'no longer tracked, to stay within the memory budget',
};

class EventExplainer implements Explainer {
  /** Last acknowledgement number sent by each side of each connection. */
  private readonly acks = new Map<number, { client: number | null; server: number | null }>();

  explain(ev: WireEvent): string[] {
    switch (ev.event) {
      case 'tcp.segment':
        return this.segment(ev);
      case 'tcp.open':
        return this.open(ev);
      case 'tcp.close':
        return this.close(ev);
      case 'tcp.gap':
        return [
          `${plural(ev.bytes, 'byte')} from the ${ev.from} were not captured (gap); decoding resumes after them`,
        ];
      case 'tcp.overlap-conflict':
        return [
          `retransmitted bytes from the ${ev.from} differ from the first copy (${plural(ev.bytes, 'byte')}); the first copy wins`,
        ];
      case 'tcp.out-of-order':
        return [`segment from the ${ev.from} arrived out of order (${plural(ev.bytes, 'byte')} held back)`];
      case 'tcp.retransmission':
        return [`retransmission from the ${ev.from} (${plural(ev.bytes, 'byte')})`];
      case 'http.request':
        return explainHttpRequest(ev);
      case 'http.response':
        return explainHttpResponse(ev);
      case 'ws.frame':
        return [explainFrame(ev)];
      case 'ws.message':
        return explainMessage(ev);
      case 'ws.ping':
      case 'ws.pong':
        return explainPingPong(ev);
      case 'ws.close':
        return explainClose(ev);
      case 'decode.problem':
        return [`problem ${ev.code}: ${ev.message}`];
      case 'summary':
        return [];
    }
    if (ev.event.startsWith('tls.')) return explainTls(ev as TlsEvent);
    return [];
  }

  private segment(ev: EventNamed<'tcp.segment'>): string[] {
    const src = tcpdumpEndpoint(ev.src);
    const n = this.ackedBytes(ev.conn, ev.from, ev.ack, ev.role);
    const acking = n > 0 ? `, acknowledging ${plural(n, 'byte')}` : '';
    switch (ev.role) {
      case 'syn':
        return [`TCP three-way handshake: ${src} asks to connect to ${tcpdumpEndpoint(ev.dst)} (SYN)`];
      case 'syn-ack':
        return [`TCP three-way handshake: ${src} accepts (SYN-ACK)`];
      case 'handshake-ack':
        return [`TCP three-way handshake: ${src} completes the handshake (ACK)`];
      case 'ack':
        return [n > 0 ? `${src} acknowledges ${plural(n, 'byte')}` : `${src} acknowledges (nothing new)`];
      case 'fin':
        return [`${src} closes its side of the connection (FIN)${acking}`];
      case 'rst':
        return [`${src} resets the connection (RST)`];
      case 'retransmission':
        return [`${src} retransmits ${plural(ev.len, 'byte')} already sent`];
      case 'keepalive':
        return [`${src} TCP keep-alive`];
      case 'data':
        return ev.len > 0 ? [`${src} sends ${plural(ev.len, 'byte')}${acking}`] : [];
    }
    return [];
  }

  private open(ev: EventNamed<'tcp.open'>): string[] {
    if (ev.handshakeSeen) return [`connection ${ev.conn} open: client ${ev.client}, server ${ev.server}`];
    // Picked up mid-stream: the first packet's ack was printed absolute, like tcpdump;
    // relative to the numbering after it, that ack is 1.
    const s = this.acks.get(ev.conn);
    if (s?.client != null) s.client = 1;
    if (s?.server != null) s.server = 1;
    return [
      `connection ${ev.conn} picked up mid-stream (its handshake was not captured): client ${ev.client}, server ${ev.server}`,
    ];
  }

  private close(ev: EventNamed<'tcp.close'>): string[] {
    if (ev.how !== 'fin' && ev.how !== 'rst') this.acks.delete(ev.conn);
    return [`connection ${ev.conn} closed: ${CLOSE_HOW[ev.how](ev.from)}`];
  }

  private ackedBytes(conn: number, from: Side, ack: number | null, role: string): number {
    let s = this.acks.get(conn);
    if (!s) {
      s = { client: null, server: null };
      this.acks.set(conn, s);
    }
    const before = s[from];
    if (role === 'syn' || role === 'syn-ack') {
      // Handshake segments carry absolute numbers (a SYN-ACK acknowledges the peer's ISN); the
      // segments after them count relative, from 1. Counting from the absolute number would
      // make the first ACK "acknowledge" about a billion bytes.
      s[from] = ack === null ? null : 1;
      return 0;
    }
    s[from] = ack;
    if (ack === null || before === null) return 0;
    return (ack - before) >>> 0;
  }
}
