// Test support: builds WebSocket frames and handshakes byte by byte, and runs a connection
// decoder over them collecting its events.
import type { Side, WireEvent } from '../../wire/events.js';
import type { ConnectionInfo } from '../../wire/stream.js';
import { computeAccept } from '../../wire/http/websocket-handshake.js';
import {
  createWebSocketConnectionDecoder,
  type WebSocketDecoderOptions,
} from '../../wire/websocket/connection-decoder.js';
import { encodeFrame } from '../../shared/websocket-framing.js';

export interface FrameSpec {
  opcode: number;
  payload?: Buffer | string;
  fin?: boolean;
  rsv1?: boolean;
  /** Mask key; client frames get one by default. */
  mask?: Buffer | null;
}

const DEFAULT_MASK = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);

/** One frame; masked when `mask` is given (pass null for unmasked). */
export function frame(spec: FrameSpec): Buffer {
  const payload =
    typeof spec.payload === 'string' ? Buffer.from(spec.payload) : (spec.payload ?? Buffer.alloc(0));
  const mask = spec.mask === undefined ? DEFAULT_MASK : spec.mask;
  return encodeFrame(payload, {
    opcode: spec.opcode,
    fin: spec.fin,
    rsv1: spec.rsv1,
    mask: mask ? mask.readUInt32BE(0) : undefined,
  });
}

export const serverFrame = (spec: FrameSpec) => frame({ ...spec, mask: null });

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

/** An upgrade request and its 101 answer (with `extensions` accepted when given). */
export function handshake(extensions?: string): { request: Buffer; response: Buffer } {
  const ext = extensions ? `Sec-WebSocket-Extensions: ${extensions}\r\n` : '';
  return {
    request: Buffer.from(
      `GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${KEY}\r\n` +
        `Sec-WebSocket-Version: 13\r\n${ext}\r\n`,
    ),
    response: Buffer.from(
      `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Accept: ${computeAccept(KEY)}\r\n${ext}\r\n`,
    ),
  };
}

export const testInfo = (handshakeSeen = true): ConnectionInfo => ({
  conn: 1,
  client: { ip: '10.0.0.1', port: 50000 },
  server: { ip: '10.0.0.2', port: 7272 },
  handshakeSeen,
});

/** Feeds [side, bytes] steps (each one packet) to a new decoder; returns all events. */
export function decode(
  steps: Array<[Side, Buffer] | [Side, 'gap', number]>,
  options: WebSocketDecoderOptions = {},
  handshakeSeen = true,
): WireEvent[] {
  const events: WireEvent[] = [];
  const sink = createWebSocketConnectionDecoder(testInfo(handshakeSeen), (e) => events.push(e), options);
  let packet = 0;
  for (const step of steps) {
    packet++;
    const meta = { ts: 1000 + packet, packet };
    if (step[1] === 'gap') sink.gap(step[0], step[2] as number, meta);
    else sink.data(step[0], step[1], meta);
  }
  sink.end('client', { ts: 2000, packet });
  sink.end('server', { ts: 2000, packet });
  return events;
}

/** The events other than frames, in a compact comparable form. */
export function summary(events: WireEvent[]): string[] {
  return events
    .filter((e) => e.event !== 'ws.frame')
    .map((e) => {
      if (e.event === 'ws.message')
        return `${e.from} ${e.opcode === 1 ? `text ${e.text}` : `binary ${e.data_base64}`}`;
      if (e.event === 'ws.close') return `${e.from} close ${e.code ?? '-'} ${e.reason ?? ''}`;
      if (e.event === 'ws.ping' || e.event === 'ws.pong')
        return `${e.from} ${e.event.slice(3)} ${e.data_base64}`;
      if (e.event === 'decode.problem') return `problem ${e.code}`;
      if (e.event === 'http.request') return `request ${e.method} ${e.target}`;
      if (e.event === 'http.response') return `response ${e.status} accept=${e.acceptValid}`;
      return e.event;
    });
}
