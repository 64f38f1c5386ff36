// What one packet (or one flush) produces, held back so it comes out in the agreed order:
// tcp.segment, then open/close/problem events, then the application layer's sink calls.
// Reused for every packet: nothing here is allocated per packet except the events themselves.
import type { ConnectionSink, EmitEvent, StreamMeta } from '../stream.js';
import type { DecodeProblemEvent, Side, WireEvent } from '../events.js';

const DATA = 0;
const GAP = 1;
const END = 2;

interface Action {
  kind: number;
  owner: SinkOwner;
  side: Side;
  bytes: Buffer | null;
  missing: number;
}

/** A connection as the batch sees it: where its sink calls go, and how to report a broken sink. */
export interface SinkOwner {
  sink: ConnectionSink | null;
  readonly conn: number;
  readonly clientText: string;
  readonly serverText: string;
}

export class PacketBatch {
  private events: WireEvent[] = [];
  private actions: Action[] = [];
  private actionCount = 0;
  /** ts/packet of what is being processed; a fresh object per packet with sink calls, since sinks may keep it. */
  private meta: StreamMeta | null = null;
  private metaTs = 0;
  private metaPacket = 0;

  constructor(private readonly emit: EmitEvent) {}

  begin(ts: number, packet: number): void {
    this.metaTs = ts;
    this.metaPacket = packet;
    this.meta = null;
  }

  defer(event: WireEvent): void {
    this.events.push(event);
  }

  /** Emits the deferred events (after the caller emitted what must come first). */
  flushEvents(): void {
    const events = this.events;
    if (events.length === 0) return;
    for (let i = 0; i < events.length; i++) this.emit(events[i]!);
    events.length = 0;
  }

  data(owner: SinkOwner, side: Side, bytes: Buffer): void {
    this.add(DATA, owner, side, bytes, 0);
  }

  gap(owner: SinkOwner, side: Side, missing: number): void {
    this.add(GAP, owner, side, null, missing);
  }

  end(owner: SinkOwner, side: Side): void {
    this.add(END, owner, side, null, 0);
  }

  private add(kind: number, owner: SinkOwner, side: Side, bytes: Buffer | null, missing: number): void {
    let a = this.actions[this.actionCount];
    if (a === undefined) {
      a = { kind, owner, side, bytes, missing };
      this.actions.push(a);
    } else {
      a.kind = kind;
      a.owner = owner;
      a.side = side;
      a.bytes = bytes;
      a.missing = missing;
    }
    this.actionCount++;
  }

  /** Runs the held-back sink calls. A sink that throws is reported and switched off. */
  flushActions(): void {
    const n = this.actionCount;
    if (n === 0) return;
    const meta = this.meta ?? (this.meta = { ts: this.metaTs, packet: this.metaPacket });
    for (let i = 0; i < n; i++) {
      const a = this.actions[i]!;
      const sink = a.owner.sink;
      if (sink !== null) {
        try {
          if (a.kind === DATA) sink.data(a.side, a.bytes!, meta);
          else if (a.kind === GAP) sink.gap(a.side, a.missing, meta);
          else sink.end(a.side, meta);
        } catch (err) {
          a.owner.sink = null;
          this.emit(sinkFailure(a.owner, meta, err));
        }
      }
      a.bytes = null;
    }
    this.actionCount = 0;
  }
}

function sinkFailure(owner: SinkOwner, meta: StreamMeta, err: unknown): DecodeProblemEvent {
  return {
    event: 'decode.problem',
    ts: meta.ts,
    src: owner.clientText,
    dst: owner.serverText,
    conn: owner.conn,
    packet: meta.packet,
    code: 'DECODER_FAILED',
    message: `decoding connection ${owner.conn} failed (${err instanceof Error ? err.message : String(err)}); its remaining bytes are skipped`,
    severity: 'error',
  };
}
