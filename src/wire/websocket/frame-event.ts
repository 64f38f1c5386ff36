// The ws.frame event of one frame, and the frame payload a direction keeps for it: all of a
// control frame (its event needs it), and for the views that show payloads (tcpdump, html) the
// unmasked bytes and the first bytes as they were on the wire.
import type { WsFrameEvent } from '../events.js';
import type { StreamMeta } from '../stream.js';
import type { DirectionEnv } from './direction-env.js';
import { maskHex, type FrameHeader } from '../../shared/websocket-framing.js';
import type { Side } from '../events.js';

/** Wire bytes of a frame kept for the views (the html view shows them masked). */
const WIRE_PREVIEW_BYTES = 256;
const EMPTY = Buffer.alloc(0);

/** The ws.frame event of a frame whose header is `h`. */
export function frameEvent(env: DirectionEnv, meta: StreamMeta, h: FrameHeader, from: Side): WsFrameEvent {
  // Written out field by field (no object spread): one hidden class per event type, and far
  // cheaper to build on the per-frame path.
  return {
    event: 'ws.frame',
    ts: meta.ts,
    src: env.src,
    dst: env.dst,
    conn: env.conn,
    packet: meta.packet,
    from,
    fin: h.fin,
    rsv1: h.rsv1,
    rsv2: h.rsv2,
    rsv3: h.rsv3,
    opcode: h.opcode,
    masked: h.masked,
    mask: h.masked ? maskHex(h.maskKey) : undefined,
    length: h.length,
    headerLength: h.headerLength,
    payload: undefined,
    wirePayload: undefined,
  };
}

/** One direction's kept payload of the frame under way; reset for every frame. */
export class FramePayloads {
  private chunks: Buffer[] = [];
  private kept = 0;
  private wirePreview: Buffer[] = [];
  private wireKept = 0;

  /** `limit`: payload bytes kept at most (the rest is not needed by any view). */
  constructor(private readonly limit: number) {}

  reset(): void {
    // New arrays: truncating one in place is a slow path in V8, and most frames never fill them.
    if (this.chunks.length !== 0) this.chunks = [];
    this.kept = 0;
    if (this.wirePreview.length !== 0) this.wirePreview = [];
    this.wireKept = 0;
  }

  keep(chunk: Buffer): void {
    const room = this.limit - this.kept;
    if (room <= 0) return;
    const take = chunk.length > room ? chunk.subarray(0, room) : chunk;
    this.chunks.push(take);
    this.kept += take.length;
  }

  keepWire(wire: Buffer): void {
    if (this.wireKept >= WIRE_PREVIEW_BYTES) return;
    const take = wire.subarray(0, WIRE_PREVIEW_BYTES - this.wireKept);
    this.wirePreview.push(take);
    this.wireKept += take.length;
  }

  /** Copies of the kept bytes onto the event (it outlives the packets and the scratch memory). */
  attach(event: WsFrameEvent): void {
    event.payload = Buffer.concat(this.chunks);
    event.wirePayload = Buffer.concat(this.wirePreview);
  }

  /** The kept payload, for use before the next frame (it may be scratch memory). */
  take(): Buffer {
    const chunks = this.chunks;
    return chunks.length === 1 ? chunks[0]! : chunks.length === 0 ? EMPTY : Buffer.concat(chunks);
  }
}
