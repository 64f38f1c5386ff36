// One TCP connection's state in the flow table: who is client and server, the handshake,
// relative sequence bases, and one reassembler per direction.
import type { Endpoint, Side } from '../events.js';
import { formatEndpoint } from '../events.js';
import type { ConnectionSink } from '../stream.js';
import {
  StreamReassembler,
  type ReassemblyListener,
  type ReassemblyProblem,
} from '../reassembly/stream-reassembler.js';
import type { MemoryBudget } from '../budget/memory-budget.js';
import type { HistoryQueue } from '../reassembly/history-ring.js';
import { FLOW_DATA_COST } from './flow-costs.js';
import type { RecencyNode } from './recency-list.js';
import type { PacketBatch, SinkOwner } from './packet-batch.js';

/** Reports a reassembly problem as a tcp.* event (implemented by the flow table). */
export type ProblemReporter = (
  conn: Connection,
  side: Side,
  kind: ReassemblyProblem | 'tcp.gap',
  bytes: number,
) => void;

/** One direction: its reassembler, the base for relative sequence numbers, FIN state. */
export class Direction implements ReassemblyListener {
  readonly reassembler: StreamReassembler;
  /** The sequence number relative numbers count from (the ISN, or first seen − 1). */
  base = 0;
  baseKnown = false;
  finSeen = false;
  snaplenReported = false;

  constructor(
    private readonly conn: Connection,
    readonly side: Side,
    private readonly batch: PacketBatch,
    private readonly report: ProblemReporter,
    maxBufferedBytes: number,
    budget: MemoryBudget | undefined,
    historyQueue: HistoryQueue | undefined,
  ) {
    this.reassembler = new StreamReassembler(this, {
      maxBufferedBytes,
      ...(budget ? { budget } : {}),
      ...(historyQueue ? { historyQueue } : {}),
    });
  }

  setBase(seq: number): void {
    if (this.baseKnown) return;
    this.base = seq >>> 0;
    this.baseKnown = true;
  }

  onData(bytes: Buffer): void {
    if (!this.conn.carriedData) this.conn.firstData();
    this.batch.data(this.conn, this.side, bytes);
  }

  onGap(missing: number): void {
    this.report(this.conn, this.side, 'tcp.gap', missing);
    this.batch.gap(this.conn, this.side, missing);
  }

  onEnd(): void {
    this.batch.end(this.conn, this.side);
  }

  onProblem(kind: ReassemblyProblem, bytes: number): void {
    this.report(this.conn, this.side, kind, bytes);
  }
}

export class Connection implements SinkOwner, RecencyNode<Connection> {
  /**
   * Makes the decoder of this connection's bytes. Called when the first bytes, gap or end reach
   * it, not when the SYN does: a flood of connections that never carry a byte (the cheapest
   * hostile capture) then costs no decoder state at all.
   */
  startSink: (() => ConnectionSink | null) | null = null;
  private sinkValue: ConnectionSink | null = null;
  /** Whether SINK_COST is charged to the budget for this connection's decoder. */
  sinkCharged = false;
  get sink(): ConnectionSink | null {
    if (this.startSink !== null) {
      const start = this.startSink;
      this.startSink = null;
      this.sinkValue = start();
    }
    return this.sinkValue;
  }
  set sink(value: ConnectionSink | null) {
    this.startSink = null;
    this.sinkValue = value;
  }
  /** The decoder if it was started, without starting it. */
  get startedSink(): ConnectionSink | null {
    return this.sinkValue;
  }
  older: Connection | null = null;
  newer: Connection | null = null;
  listed = false;
  readonly clientText: string;
  readonly serverText: string;
  readonly client: Direction;
  readonly server: Direction;
  /** SYN and SYN-ACK seen, handshake completed (tcp.open emitted). */
  synSeen = false;
  synAckSeen = false;
  opened = false;
  /** No segment was described yet (tcpdump prints the first one with absolute numbers). */
  firstSegment = true;
  lastTs = 0;
  lastPacket = 0;
  /** Bytes were delivered (its costs grew by FLOW_DATA_COST). */
  carriedData = false;

  constructor(
    readonly conn: number,
    readonly key: string,
    readonly clientEp: Endpoint,
    readonly serverEp: Endpoint,
    readonly handshakeSeen: boolean,
    batch: PacketBatch,
    report: ProblemReporter,
    maxBufferedBytes: number,
    private readonly budget?: MemoryBudget,
    historyQueue?: HistoryQueue,
  ) {
    this.clientText = formatEndpoint(clientEp);
    this.serverText = formatEndpoint(serverEp);
    this.client = new Direction(this, 'client', batch, report, maxBufferedBytes, budget, historyQueue);
    this.server = new Direction(this, 'server', batch, report, maxBufferedBytes, budget, historyQueue);
  }

  firstData(): void {
    this.carriedData = true;
    this.budget?.charge(FLOW_DATA_COST);
  }

  /** Gives back what the connection charged (the flow table charged FLOW_COST itself). */
  releaseData(): void {
    if (this.carriedData) this.budget?.release(FLOW_DATA_COST);
    this.carriedData = false;
  }

  /** Whether ip:port is the client's endpoint. */
  isClient(ip: string, port: number): boolean {
    return port === this.clientEp.port && ip === this.clientEp.ip;
  }

  dir(side: Side): Direction {
    return side === 'client' ? this.client : this.server;
  }

  textOf(side: Side): string {
    return side === 'client' ? this.clientText : this.serverText;
  }

  otherText(side: Side): string {
    return side === 'client' ? this.serverText : this.clientText;
  }
}

/** What is left of a closed connection: enough to number its stray last packets (final ACKs). */
export interface Tombstone extends RecencyNode<Tombstone> {
  key: string;
  conn: number;
  clientEp: Endpoint;
  clientText: string;
  serverText: string;
  clientBase: number;
  serverBase: number;
  expires: number;
}
