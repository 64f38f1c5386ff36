// The explainer's words for the HTTP upgrade and the WebSocket events: each a pure function of
// one event (the TCP lines, which count acknowledged bytes per connection, are in explain.ts).
import type { WireEvent, WsControlEvent } from '../events.js';
import { CLOSE_CODE_NAMES } from '../../shared/websocket-framing.js';

type EventNamed<N extends WireEvent['event']> = Extract<WireEvent, { event: N }>;

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function explainHttpRequest(ev: EventNamed<'http.request'>): string[] {
  if (!ev.upgrade) return [`HTTP request: ${ev.method} ${ev.target}`];
  const extras: string[] = [];
  if (ev.key) extras.push(`key ${ev.key}`);
  if (ev.extensions) extras.push(`offers ${ev.extensions}`);
  if (ev.protocols) extras.push(`subprotocols ${ev.protocols}`);
  return [
    `WebSocket handshake request: ${ev.method} ${ev.target}${extras.length ? ` (${extras.join('; ')})` : ''}`,
  ];
}

export function explainHttpResponse(ev: EventNamed<'http.response'>): string[] {
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

export function explainMessage(ev: EventNamed<'ws.message'>): string[] {
  const how: string[] = [];
  if (ev.fragments > 1) how.push(`joined from ${ev.fragments} fragments`);
  if (ev.compressed) how.push(`inflated from ${plural(ev.wireLength, 'byte')}`);
  if (ev.utf8Valid === false) how.push('NOT valid UTF-8');
  const kind = ev.opcode === 1 ? 'text' : 'binary';
  const head = `${ev.masked ? 'unmasked ' : ''}${kind} message, ${plural(ev.length, 'byte')}${how.length ? ` (${how.join(', ')})` : ''}`;
  return ev.chat ? [head, ev.chat.summary] : [head];
}

export function explainPingPong(ev: WsControlEvent): string[] {
  const bytes = Buffer.byteLength(ev.data_base64, 'base64');
  return [`${ev.from} ${ev.event === 'ws.ping' ? 'ping' : 'pong'} (${plural(bytes, 'byte')} of data)`];
}

export function explainClose(ev: WsControlEvent): string[] {
  if (ev.code === undefined) return [`${ev.from} closes the WebSocket (no status code)`];
  const meaning = CLOSE_CODE_NAMES[ev.code];
  return [
    `${ev.from} closes the WebSocket: ${ev.code}${meaning ? ` ${meaning}` : ''}${ev.reason ? ` "${ev.reason}"` : ''}`,
  ];
}
