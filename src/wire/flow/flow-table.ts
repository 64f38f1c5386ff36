// TcpPackets → connections. Emits the tcp.* events and feeds each connection's ConnectionSink
// with in-order bytes from both directions.
//
// - Connections are numbered 1, 2, … in order of first appearance. The client is the SYN
//   sender; when the SYN was not captured the sides are guessed (flow-key.ts) and the
//   connection is opened at pick-up with handshakeSeen=false.
// - Sequence numbers in tcp.segment events are relative to each side's ISN (absolute on SYN
//   and SYN-ACK, like tcpdump). A connection picked up mid-stream is numbered as tcpdump numbers
//   it: its first packet shows absolute seq and ack; after it, the first packet's sender counts
//   from that packet's seq (its next bytes are "seq 18:47") and the other side from the first
//   packet's ack − 1 (its first byte is 1).
// - State is released after both FINs, an RST, or idleTimeout seconds of capture time without
//   a packet, and at the end of the capture. A small tombstone keeps the connection number for
//   stray packets that follow a close (the last ACK); a new SYN on the same 4-tuple starts a
//   new connection.
// - Order for one packet: tcp.segment, tcp.open, reassembly problems (tcp.gap, …),
//   tcp.close, then the sink calls.
// - With a memory budget, each connection and each closed-connection record is charged, the
//   connections are kept in order of their last packet, and after every packet the table gives
//   state up until the run is back within the budget (relieve(): closed records first, then
//   the least recently seen connections, then what the current one holds; flow-eviction.ts). An evicted
//   connection seen again is picked up mid-stream as a new connection.
import type { Side, TcpCloseEvent, TcpPacket } from '../events.js';
import type { ConnectionSinkFactory, EmitEvent } from '../stream.js';
import type { MemoryBudget } from '../budget/memory-budget.js';
import type { EvictionReporter } from '../budget/eviction-report.js';
import type { FlowTable, FlowTableOptions } from './flow-table-types.js';
import { DecodedTcpPacket } from '../layers/tcp-segment.js';
import { tcpFlagBits, TH_ACK, TH_FIN, TH_RST, TH_SYN } from '../layers/tcp-flags.js';
import { SegmentClass } from '../reassembly/stream-reassembler.js';
import { HistoryQueue } from '../reassembly/history-ring.js';
import { seqAdd } from '../reassembly/seq.js';
import { Connection, type Tombstone } from './connection.js';
import { flowKeyOf, guessAIsClient, sameEndpoint } from './flow-key.js';
import { RecencyList } from './recency-list.js';
import { RecentConnections } from './recent-connections.js';
import { relieveBudget, type EvictionHost } from './flow-eviction.js';
import { CLOSED_FLOW_COST, FLOW_COST, SINK_COST } from './flow-costs.js';
import { PacketBatch } from './packet-batch.js';
import { closeEvent, openEvent, segmentEvent, snaplenProblem, strayEvent } from './tcp-events.js';

export type { FlowTable, FlowTableOptions } from './flow-table-types.js';

export function createFlowTable(options: FlowTableOptions): FlowTable {
  return new TcpFlowTable(options);
}

/** How long a closed connection's number is kept for its stray packets (capture seconds). */
const TOMBSTONE_SECONDS = 60;

class TcpFlowTable implements FlowTable {
  private readonly emit: EmitEvent;
  private readonly factory: ConnectionSinkFactory;
  private readonly ports: Set<number>;
  private readonly hosts: Set<string>;
  private readonly idleTimeout: number;
  private readonly maxBuffered: number;
  private readonly conns = new Map<string, Connection>();
  private readonly tombstones = new Map<string, Tombstone>();
  private readonly batch: PacketBatch;
  private readonly found = new RecentConnections();
  private readonly history: HistoryQueue | undefined;
  private count = 0;
  private now = 0;
  private nextSweep = 0;
  private readonly sweepEvery: number;
  private readonly budget: MemoryBudget | undefined;
  private readonly evictions: EvictionReporter | undefined;
  private readonly evictionHost: EvictionHost;
  private readonly segmentEvents: boolean;
  private readonly onSegment: ((conn: number, from: Side, len: number) => void) | undefined;
  /** Connections and closed records by last packet, oldest first (the eviction order). */
  private readonly recent = new RecencyList<Connection>();
  private readonly closedRecent = new RecencyList<Tombstone>();
  private readonly report = (c: Connection, side: Side, kind: TcpProblemKind, bytes: number): void => {
    this.batch.defer({
      event: kind,
      ts: c.lastTs,
      src: c.textOf(side),
      dst: c.otherText(side),
      conn: c.conn,
      packet: c.lastPacket,
      from: side,
      bytes,
    });
  };

  constructor(options: FlowTableOptions) {
    this.emit = options.emit;
    this.factory = options.sinkFactory;
    this.ports = new Set(options.ports ?? []);
    this.hosts = new Set((options.hosts ?? []).map((h) => h.toLowerCase()));
    this.idleTimeout = options.idleTimeout ?? 600;
    this.maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
    this.sweepEvery = Math.max(1, Math.min(this.idleTimeout, TOMBSTONE_SECONDS) / 4);
    this.batch = new PacketBatch(this.emit);
    this.segmentEvents = options.segmentEvents ?? true;
    this.history = options.deferHistory ? new HistoryQueue() : undefined;
    this.onSegment = options.onSegment;
    this.budget = options.budget;
    this.evictions = options.evictions;
    this.evictionHost = {
      budget: this.budget!,
      evictions: this.evictions,
      now: () => this.now,
      closedRecent: this.closedRecent,
      recent: this.recent,
      holds: (c) => this.conns.has(c.key),
      dropTombstone: (key) => this.dropTombstone(key),
      giveUpHoles: (c) => {
        this.batch.begin(c.lastTs, c.lastPacket);
        const dropped = c.client.reassembler.giveUpHoles() + c.server.reassembler.giveUpHoles();
        this.batch.flushEvents();
        this.batch.flushActions();
        return dropped;
      },
      close: (c) => this.close(c, 'evicted', 'client'),
    };
  }

  get connectionCount(): number {
    return this.count;
  }

  get activeConnections(): number {
    return this.conns.size;
  }

  push(p: TcpPacket): void {
    // Decoded packets carry their addresses as text and numbers: no Endpoint is made for them.
    const decoded = p instanceof DecodedTcpPacket;
    const srcIp = decoded ? p.srcIp : p.src.ip;
    const srcPort = decoded ? p.srcPort : p.src.port;
    const dstIp = decoded ? p.dstIp : p.dst.ip;
    const dstPort = decoded ? p.dstPort : p.dst.port;
    if (!this.accepts(srcIp, srcPort, dstIp, dstPort)) return;
    if (p.ts > this.now) this.now = p.ts;
    if (this.now >= this.nextSweep) this.sweep();
    const bits = decoded ? p.flagBits : tcpFlagBits(p.flags);
    const newSyn = (bits & (TH_SYN | TH_ACK)) === TH_SYN;
    let c = this.find(srcIp, srcPort, dstIp, dstPort);
    const fromClient = c !== null && c.isClient(srcIp, srcPort);
    if (c !== null && newSyn && (!fromClient || !c.synSeen || p.seq !== c.client.base)) {
      // A new SYN on a 4-tuple still held: the old connection was abandoned; start afresh.
      this.close(c, 'idle', 'client');
      c = null;
    }
    if (c === null) {
      const key = flowKeyOf(srcIp, srcPort, dstIp, dstPort);
      const t = this.tombstones.get(key);
      if (t !== undefined && !newSyn) {
        this.onSegment?.(t.conn, sameEndpoint(p.src, t.clientEp) ? 'client' : 'server', p.payloadLength);
        if (this.segmentEvents) this.emit(strayEvent(p, bits, t));
        return;
      }
      if (t !== undefined) this.dropTombstone(key);
      c = this.create(p, bits, key);
      this.process(c, p, bits, c.isClient(srcIp, srcPort) ? 'client' : 'server');
    } else {
      this.recent.touch(c);
      this.process(c, p, bits, fromClient ? 'client' : 'server');
    }
    if (this.budget?.over) relieveBudget(this.evictionHost, c, p.index);
  }

  settle(): void {
    this.history?.settle();
  }

  end(): void {
    for (const c of [...this.conns.values()]) this.close(c, 'end-of-capture', 'client');
    for (const key of [...this.tombstones.keys()]) this.dropTombstone(key);
    this.found.clear();
  }

  private accepts(aIp: string, aPort: number, bIp: string, bPort: number): boolean {
    if (this.ports.size > 0 && !this.ports.has(aPort) && !this.ports.has(bPort)) return false;
    if (this.hosts.size > 0 && !this.hosts.has(aIp) && !this.hosts.has(bIp)) return false;
    return true;
  }

  private find(srcIp: string, srcPort: number, dstIp: string, dstPort: number): Connection | null {
    const recent = this.found.findAddr(srcIp, srcPort, dstIp, dstPort);
    if (recent !== null) return recent;
    const c = this.conns.get(flowKeyOf(srcIp, srcPort, dstIp, dstPort)) ?? null;
    if (c !== null) this.found.remember(c);
    return c;
  }

  private create(p: TcpPacket, bits: number, key: string): Connection {
    let srcIsClient: boolean;
    let handshakeSeen = false;
    if (bits & TH_SYN) {
      srcIsClient = (bits & TH_ACK) === 0;
      handshakeSeen = srcIsClient;
    } else {
      srcIsClient = guessAIsClient(p.src, p.dst);
    }
    const client = srcIsClient ? p.src : p.dst;
    const server = srcIsClient ? p.dst : p.src;
    const c = new Connection(
      ++this.count,
      key,
      client,
      server,
      handshakeSeen,
      this.batch,
      this.report,
      this.maxBuffered,
      this.budget,
      this.history,
    );
    this.budget?.charge(FLOW_COST);
    this.conns.set(key, c);
    this.recent.push(c);
    this.found.remember(c);
    const info = { conn: c.conn, client, server, handshakeSeen };
    const packet = p.index; // the number only: the closure must not hold the packet's bytes
    c.startSink = () => {
      try {
        const sink = this.factory(info, this.emit);
        this.budget?.charge(SINK_COST);
        c.sinkCharged = true;
        return sink;
      } catch (err) {
        this.emit({
          event: 'decode.problem',
          ts: c.lastTs,
          src: c.clientText,
          dst: c.serverText,
          conn: c.conn,
          packet,
          code: 'DECODER_FAILED',
          message: `could not start decoding connection ${c.conn} (${err instanceof Error ? err.message : String(err)})`,
          severity: 'error',
        });
        return null;
      }
    };
    return c;
  }

  /**
   * One packet of a known connection, in named steps: place its bytes (or its SYN) in the
   * reassembly, then announce it (tcp.segment, tcp.open), then act on FIN and RST.
   */
  private process(c: Connection, p: TcpPacket, bits: number, side: Side): void {
    this.batch.begin(p.ts, p.index);
    c.lastTs = p.ts;
    c.lastPacket = p.index;
    const ack = (bits & TH_ACK) !== 0;
    // The first packet that is neither SYN nor RST opens the connection.
    const open = (bits & (TH_SYN | TH_RST)) === 0 && !c.opened;
    const handshakeAck = open && side === 'client' && c.synAckSeen && ack && p.payloadLength === 0;
    const o = side === 'client' ? c.server : c.client;
    if (ack && !o.baseKnown) {
      o.setBase(p.ack - 1);
      o.reassembler.startAt(p.ack);
    }
    const cls = this.place(c, p, bits, side);
    if (p.payload.length < p.payloadLength && !c.dir(side).snaplenReported) {
      c.dir(side).snaplenReported = true;
      this.batch.defer(snaplenProblem(c, p, side));
    }
    this.onSegment?.(c.conn, side, p.payloadLength);
    if (this.segmentEvents) this.emit(segmentEvent(c, p, bits, side, cls, handshakeAck));
    else c.firstSegment = false; // as segmentEvent does: later packets are numbered relative
    if (open) {
      c.opened = true;
      this.emit(openEvent(c, p));
    }
    this.finishPacket(c, p, bits, side);
  }

  /** Hands the packet's bytes to its direction's reassembler; a SYN sets the direction's ISN. */
  private place(c: Connection, p: TcpPacket, bits: number, side: Side): SegmentClass {
    const d = c.dir(side);
    const fin = (bits & TH_FIN) !== 0;
    if (bits & TH_SYN) {
      d.setBase(p.seq);
      d.reassembler.syn(p.seq);
      if (bits & TH_ACK) c.synAckSeen = true;
      else if (side === 'client') c.synSeen = true;
      // Data on a SYN (TCP Fast Open) starts right after the ISN.
      if (p.payloadLength > 0 || fin)
        return d.reassembler.push(seqAdd(p.seq, 1), p.payload, p.payloadLength, fin);
      return SegmentClass.Empty;
    }
    if (bits & TH_RST) return SegmentClass.Empty;
    if (!d.baseKnown) {
      d.setBase(c.firstSegment ? p.seq : p.seq - 1);
      d.reassembler.startAt(p.seq);
    }
    return d.reassembler.push(p.seq, p.payload, p.payloadLength, fin);
  }

  /** FIN and RST: the problems and close events of this packet, then the sinks, then release. */
  private finishPacket(c: Connection, p: TcpPacket, bits: number, side: Side): void {
    const d = c.dir(side);
    let closeHow: TcpCloseEvent['how'] | null = null;
    let firstFin = false;
    if (bits & TH_RST) closeHow = 'rst';
    else if ((bits & TH_FIN) !== 0 && !d.finSeen) {
      d.finSeen = true;
      firstFin = true;
      if ((side === 'client' ? c.server : c.client).finSeen) closeHow = 'both-fin';
    }
    if (closeHow !== null) {
      c.client.reassembler.finish();
      c.server.reassembler.finish();
    }
    this.batch.flushEvents();
    if (firstFin) this.emit(closeEvent(c, side, 'fin', p.ts, p.index));
    if (closeHow !== null) this.emit(closeEvent(c, side, closeHow, p.ts, p.index));
    this.batch.flushActions();
    if (closeHow !== null) this.release(c, true);
  }

  /** Closes a connection without a packet of its own (idle, end of capture, replaced). */
  private close(c: Connection, how: TcpCloseEvent['how'], from: Side): void {
    this.batch.begin(c.lastTs, c.lastPacket);
    c.client.reassembler.finish();
    c.server.reassembler.finish();
    this.batch.flushEvents();
    this.emit(closeEvent(c, from, how, c.lastTs, c.lastPacket));
    this.batch.flushActions();
    this.release(c, false);
  }

  private release(c: Connection, keepNumber: boolean): void {
    this.conns.delete(c.key);
    this.found.forget(c);
    this.recent.remove(c);
    const sink = c.startedSink;
    c.sink = null;
    sink?.release?.();
    if (c.sinkCharged) this.budget?.release(SINK_COST);
    c.sinkCharged = false;
    c.releaseData();
    this.budget?.release(FLOW_COST);
    if (keepNumber) {
      this.budget?.charge(CLOSED_FLOW_COST);
      const t: Tombstone = {
        key: c.key,
        older: null,
        newer: null,
        listed: false,
        conn: c.conn,
        clientEp: c.clientEp,
        clientText: c.clientText,
        serverText: c.serverText,
        clientBase: c.client.base,
        serverBase: c.server.base,
        expires: this.now + Math.min(this.idleTimeout, TOMBSTONE_SECONDS),
      };
      // A record replaced under the same key gives its charge back first.
      this.dropTombstone(c.key);
      this.tombstones.set(c.key, t);
      this.closedRecent.push(t);
    }
  }

  private sweep(): void {
    this.nextSweep = this.now + this.sweepEvery;
    for (const c of [...this.conns.values()]) {
      if (this.now - c.lastTs > this.idleTimeout) this.close(c, 'idle', 'client');
    }
    // Records are listed in the order they expire.
    let t: Tombstone | null;
    while ((t = this.closedRecent.oldest) !== null && t.expires <= this.now) this.dropTombstone(t.key);
  }

  private dropTombstone(key: string): void {
    const t = this.tombstones.get(key);
    if (t === undefined) return;
    this.tombstones.delete(key);
    this.closedRecent.remove(t);
    this.budget?.release(CLOSED_FLOW_COST);
  }
}

type TcpProblemKind = 'tcp.gap' | 'tcp.overlap-conflict' | 'tcp.out-of-order' | 'tcp.retransmission';
