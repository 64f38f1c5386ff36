// The seam between TCP reassembly (below) and the application decoders (HTTP, WebSocket, above).
// The flow table owns connections and calls one ConnectionSink per connection with in-order bytes.
import type { Endpoint, Side, WireEvent } from './events.js';

/** Where and when the bytes passed to a sink came from. */
export interface StreamMeta {
  /** Capture time of the packet that delivered (or completed) these bytes. */
  ts: number;
  /** Index of that packet. */
  packet: number;
}

export interface ConnectionInfo {
  /** Connection number, 1-based, in order of appearance. */
  conn: number;
  client: Endpoint;
  server: Endpoint;
  /** false when the SYN was not captured (the sides were then guessed; see flow-table). */
  handshakeSeen: boolean;
}

/** Receives one connection's reassembled byte streams, each direction in order. */
export interface ConnectionSink {
  /** In-order bytes from one side. */
  data(from: Side, bytes: Buffer, meta: StreamMeta): void;
  /** `missing` bytes from one side were never captured; the next data() continues after them. */
  gap(from: Side, missing: number, meta: StreamMeta): void;
  /** That side sent FIN or RST, or the capture ended. */
  end(from: Side, meta: StreamMeta): void;
  /**
   * The memory budget is short and this connection is the one being decoded: let go of what
   * can be rebuilt or lost with least harm (an unfinished message). Returns the code of what
   * was dropped, or undefined when nothing was.
   */
  shed?(meta: StreamMeta): 'FRAGMENTS_DROPPED' | undefined;
  /** Whether the connection carried WebSocket (its eviction is then reported as such). */
  readonly isWebSocket?: boolean;
  /** The connection is gone: give back every charge to the memory budget. Called once. */
  release?(): void;
}

export type EmitEvent = (event: WireEvent) => void;

/** Makes the sink for a new connection; `emit` is how the sink reports events. */
export type ConnectionSinkFactory = (info: ConnectionInfo, emit: EmitEvent) => ConnectionSink;
