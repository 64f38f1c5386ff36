// Explains events in words, the way the seed document comments its tcpdump capture:
// "TCP three-way handshake: 127.0.0.1.60653 asks to connect (SYN)", "acknowledges 715 bytes",
// "client frame, masked with key 0x…". Used by the text and HTML views; the jsonl view does
// not pay for it. Stateful (acknowledged bytes are counted per connection and side); state is
// released when a connection closes.
import { explainTls } from '../tls/explain-tls.js';
import type { TlsEvent } from '../tls/tls-events.js';
import type { Side, WireEvent, WsFrameEvent } from '../events.js';
import { CLOSE_CODE_NAMES, opcodeName } from '../../shared/websocket-framing.js';

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

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

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
  /** Last acknowledgement number sent by each side of each connection. */
  const acks = new Map<number, { client: number | null; server: number | null }>();

  const ackedBytes = (conn: number, from: Side, ack: number | null, role: string): number => {
    let s = acks.get(conn);
    if (!s) {
      s = { client: null, server: null };
      acks.set(conn, s);
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
  };

  return {
    explain(ev) {
      switch (ev.event) {
        case 'tcp.segment': {
          const src = tcpdumpEndpoint(ev.src);
          const dst = tcpdumpEndpoint(ev.dst);
          const n = ackedBytes(ev.conn, ev.from, ev.ack, ev.role);
          switch (ev.role) {
            case 'syn':
              return [`TCP three-way handshake: ${src} asks to connect to ${dst} (SYN)`];
            case 'syn-ack':
              return [`TCP three-way handshake: ${src} accepts (SYN-ACK)`];
            case 'handshake-ack':
              return [`TCP three-way handshake: ${src} completes the handshake (ACK)`];
            case 'ack':
              return [
                n > 0 ? `${src} acknowledges ${plural(n, 'byte')}` : `${src} acknowledges (nothing new)`,
              ];
            case 'fin':
              return [
                `${src} closes its side of the connection (FIN)${n > 0 ? `, acknowledging ${plural(n, 'byte')}` : ''}`,
              ];
            case 'rst':
              return [`${src} resets the connection (RST)`];
            case 'retransmission':
              return [`${src} retransmits ${plural(ev.len, 'byte')} already sent`];
            case 'keepalive':
              return [`${src} TCP keep-alive`];
            case 'data':
              return ev.len > 0
                ? [
                    `${src} sends ${plural(ev.len, 'byte')}${n > 0 ? `, acknowledging ${plural(n, 'byte')}` : ''}`,
                  ]
                : [];
          }
          return [];
        }
        case 'tcp.open':
          if (!ev.handshakeSeen) {
            // Picked up mid-stream: the first packet's ack was printed absolute, like tcpdump;
            // relative to the numbering after it, that ack is 1.
            const s = acks.get(ev.conn);
            if (s?.client != null) s.client = 1;
            if (s?.server != null) s.server = 1;
          }
          return ev.handshakeSeen
            ? [`connection ${ev.conn} open: client ${ev.client}, server ${ev.server}`]
            : [
                `connection ${ev.conn} picked up mid-stream (its handshake was not captured): client ${ev.client}, server ${ev.server}`,
              ];
        case 'tcp.close': {
          if (ev.how !== 'fin' && ev.how !== 'rst') acks.delete(ev.conn);
          const how = {
            fin: `the ${ev.from} finished sending (FIN)`,
            rst: `the ${ev.from} reset it (RST)`,
            'both-fin': 'both sides finished (FIN both ways)',
            idle: 'idle for too long, no longer tracked',
            'end-of-capture': 'still open when the capture ended',
            evicted: 'no longer tracked, to stay within the memory budget',
          }[ev.how];
          return [`connection ${ev.conn} closed: ${how}`];
        }
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
        case 'http.request': {
          if (!ev.upgrade) return [`HTTP request: ${ev.method} ${ev.target}`];
          const extras: string[] = [];
          if (ev.key) extras.push(`key ${ev.key}`);
          if (ev.extensions) extras.push(`offers ${ev.extensions}`);
          if (ev.protocols) extras.push(`subprotocols ${ev.protocols}`);
          return [
            `WebSocket handshake request: ${ev.method} ${ev.target}${extras.length ? ` (${extras.join('; ')})` : ''}`,
          ];
        }
        case 'http.response': {
          if (ev.status !== 101) return [`HTTP response: ${ev.status} ${ev.reason}`];
          const accept =
            ev.acceptValid === true
              ? 'handshake successful (Sec-WebSocket-Accept valid)'
              : ev.acceptValid === false
                ? 'Sec-WebSocket-Accept is WRONG for the request key'
                : 'switching protocols (Sec-WebSocket-Accept not checked: the request was not captured)';
          const lines = [`WebSocket handshake response: ${accept}`];
          if (ev.deflate) {
            const d = ev.deflate;
            const take = (no: boolean): string => (no ? 'no context takeover' : 'context takeover');
            lines.push(
              `permessage-deflate in use: client ${take(d.clientNoContextTakeover)}, ${d.clientMaxWindowBits} window bits; server ${take(d.serverNoContextTakeover)}, ${d.serverMaxWindowBits} window bits`,
            );
          }
          if (ev.protocol) lines.push(`subprotocol: ${ev.protocol}`);
          return lines;
        }
        case 'ws.frame':
          return [explainFrame(ev)];
        case 'ws.message': {
          const how: string[] = [];
          if (ev.fragments > 1) how.push(`joined from ${ev.fragments} fragments`);
          if (ev.compressed) how.push(`inflated from ${plural(ev.wireLength, 'byte')}`);
          if (ev.utf8Valid === false) how.push('NOT valid UTF-8');
          const kind = ev.opcode === 1 ? 'text' : 'binary';
          const head = `${ev.masked ? 'unmasked ' : ''}${kind} message, ${plural(ev.length, 'byte')}${how.length ? ` (${how.join(', ')})` : ''}`;
          return ev.chat ? [head, ev.chat.summary] : [head];
        }
        case 'ws.ping':
        case 'ws.pong':
          return [
            `${ev.from} ${ev.event === 'ws.ping' ? 'ping' : 'pong'} (${plural(Buffer.byteLength(ev.data_base64, 'base64'), 'byte')} of data)`,
          ];
        case 'ws.close': {
          if (ev.code === undefined) return [`${ev.from} closes the WebSocket (no status code)`];
          const meaning = CLOSE_CODE_NAMES[ev.code];
          return [
            `${ev.from} closes the WebSocket: ${ev.code}${meaning ? ` ${meaning}` : ''}${ev.reason ? ` "${ev.reason}"` : ''}`,
          ];
        }
        case 'decode.problem':
          return [`problem ${ev.code}: ${ev.message}`];
        case 'summary':
          return [];
      }
      if (ev.event.startsWith('tls.')) return explainTls(ev as TlsEvent);
      return [];
    },
  };
}
