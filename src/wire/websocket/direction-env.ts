// What one direction of a WebSocket connection needs from its connection, and what it offers:
// the contract between connection-decoder.ts and direction-decoder.ts.
import type { Side, WireEvent } from '../events.js';
import type { StreamMeta } from '../stream.js';
import type { MemoryBudget } from '../budget/memory-budget.js';
import type { WireProblemCode } from '../problem-codes.js';

export interface ResolvedWsOptions {
  maxMessageBytes: number;
  maxInflateRatio: number;
  includeFramePayloads: boolean;
  /** Build ws.frame events (false: frames are decoded and checked, but no event is made). */
  wantFrames: boolean;
  /** The run's memory budget, charged with unfinished messages, resync buffers and inflaters. */
  budget: MemoryBudget | undefined;
}

/** What a direction needs from its connection. */
export interface DirectionEnv {
  options: ResolvedWsOptions;
  /** The sender's and receiver's "ip:port" and the connection number, fixed for the direction. */
  readonly src: string;
  readonly dst: string;
  readonly conn: number;
  /** The sender's side (it may be corrected once, when a mid-stream pick-up learns the sides). */
  from(): Side;
  emit(event: WireEvent): void;
  /** A problem with this direction's bytes (its severity is its code's, problem-codes.ts). */
  problem(code: WireProblemCode, message: string, meta: StreamMeta): void;
  /** A mid-stream chain was found; `masked` tells which side really sends here. */
  synced(masked: boolean, meta: StreamMeta): void;
  /** RSV1 was seen while compression was unknown; reported once per connection. */
  deflateInferred(meta: StreamMeta): void;
  /** Resynchronisation found nothing in a long stretch of bytes. */
  syncFailed(meta: StreamMeta): void;
}

/** This direction's compression: negotiated, known absent, or unknown (guess from RSV1). */
export type DeflateSetting =
  | { kind: 'negotiated'; windowBits: number; noContextTakeover: boolean }
  | { kind: 'none' }
  | { kind: 'unknown' };

export interface DirectionDecoder {
  data(bytes: Buffer, meta: StreamMeta): void;
  gap(missing: number, meta: StreamMeta): void;
  end(meta: StreamMeta): void;
  /** Frames expected masked (client) or not (server); undefined = not checked. */
  expectMasked: boolean | undefined;
  /** Drops the unfinished message, if any (memory budget short); true when one was dropped. */
  shed(): boolean;
  /** The connection is gone: frees the inflater and gives back every budget charge. */
  release(): void;
}
