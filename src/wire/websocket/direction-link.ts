// What ties a direction decoder to its connection: the DirectionEnv of one direction (its
// endpoints, its sender's side, where its events and problems go), one small object per
// direction instead of a closure per callback.
import type { Side, WireEvent } from '../events.js';
import type { StreamMeta } from '../stream.js';
import type { WireProblemCode } from '../problem-codes.js';
import type { HandshakeFacts } from '../http/websocket-handshake.js';
import type { DeflateSetting, DirectionEnv, ResolvedWsOptions } from './direction-env.js';

/** What a connection offers its directions (WebSocketConnectionDecoder). */
export interface ConnectionSides {
  readonly options: ResolvedWsOptions;
  readonly endpoint: Record<Side, string>;
  readonly info: { conn: number };
  real(label: Side): Side;
  emit(event: WireEvent): void;
  report(label: Side, code: WireProblemCode, message: string, meta: StreamMeta): void;
  synced(label: Side, masked: boolean, meta: StreamMeta): void;
  deflateInferred(label: Side, meta: StreamMeta): void;
  syncFailed(label: Side, meta: StreamMeta): void;
}

const other = (side: Side): Side => (side === 'client' ? 'server' : 'client');

export class DirectionLink implements DirectionEnv {
  readonly options: ResolvedWsOptions;
  readonly src: string;
  readonly dst: string;
  readonly conn: number;

  /** `label`: the side the flow table says sends in this direction. */
  constructor(
    private readonly connection: ConnectionSides,
    private readonly label: Side,
  ) {
    this.options = connection.options;
    this.src = connection.endpoint[label];
    this.dst = connection.endpoint[other(label)];
    this.conn = connection.info.conn;
  }

  from(): Side {
    return this.connection.real(this.label);
  }

  emit(event: WireEvent): void {
    this.connection.emit(event);
  }

  problem(code: WireProblemCode, message: string, meta: StreamMeta): void {
    this.connection.report(this.label, code, message, meta);
  }

  synced(masked: boolean, meta: StreamMeta): void {
    this.connection.synced(this.label, masked, meta);
  }

  deflateInferred(meta: StreamMeta): void {
    this.connection.deflateInferred(this.label, meta);
  }

  syncFailed(meta: StreamMeta): void {
    this.connection.syncFailed(this.label, meta);
  }
}

/** The compression of the real side `side`'s frames: negotiated, known absent, or unknown. */
export function deflateSettingFor(side: Side, facts: HandshakeFacts | undefined): DeflateSetting {
  if (facts === undefined) return { kind: 'unknown' };
  const d = facts.deflate;
  if (!d) return { kind: 'none' };
  return side === 'client'
    ? { kind: 'negotiated', windowBits: d.clientMaxWindowBits, noContextTakeover: d.clientNoContextTakeover }
    : { kind: 'negotiated', windowBits: d.serverMaxWindowBits, noContextTakeover: d.serverNoContextTakeover };
}
