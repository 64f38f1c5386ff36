// What the flow table (flow-table.ts) takes and offers: its options and its interface.
import type { Side, TcpPacket } from '../events.js';
import type { ConnectionSinkFactory, EmitEvent } from '../stream.js';
import type { MemoryBudget } from '../budget/memory-budget.js';
import type { EvictionReporter } from '../budget/eviction-report.js';

export interface FlowTableOptions {
  sinkFactory: ConnectionSinkFactory;
  emit: EmitEvent;
  /** Keep only packets with one of these ports / hosts on either side (empty = all). */
  ports?: number[];
  hosts?: string[];
  /** Capture-time seconds after which an idle connection's state is released (default 600). */
  idleTimeout?: number;
  /** Max out-of-order bytes buffered per direction before declaring a gap (default 4 MiB). */
  maxBufferedBytes?: number;
  /** The run's memory budget: connections are evicted to stay within it. */
  budget?: MemoryBudget;
  /** Where evictions are reported (required with a budget to see them). */
  evictions?: EvictionReporter;
  /**
   * Whether anyone reads tcp.segment events (default true). When not, none is built (most
   * lines of a capture, and most of its garbage); `onSegment` still hears of every packet.
   */
  segmentEvents?: boolean;
  /** The owner calls settle() after each chunk: till then delivered bytes are kept as views. */
  deferHistory?: boolean;
  /** Every packet of a connection (also without segment events): its sender and payload length. */
  onSegment?: (conn: number, from: Side, len: number) => void;
}

export interface FlowTable {
  /** Emits 'tcp.segment' first, then open/close/problem events, then calls the sink. */
  push(packet: TcpPacket): void;
  /** Capture over: flush, end every sink, release everything. */
  end(): void;
  /** The packets pushed so far may be let go: what still refers to their bytes is copied. */
  settle(): void;
  /** Connections seen so far (the highest connection number). */
  readonly connectionCount: number;
  /** Connections whose state is currently held. */
  readonly activeConnections: number;
}
