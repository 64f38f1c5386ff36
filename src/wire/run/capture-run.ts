// One decoder run: the capture reader, the flow table with its connection sinks, the key store
// and the memory budget, put together; every event passes the summary and then the gate.
// One object per run: nothing here is made per packet or per event.
import type { RawPacket, SummaryEvent, WireEvent } from '../events.js';
import type { CaptureDecoder, CaptureDecoderOptions } from '../decode-capture.js';
import { createCaptureReader, type CaptureReader } from '../source/capture-reader.js';
import { blankTcpPacket, decodeTcpPacket } from '../layers/decode-packet.js';
import { DecodedTcpPacket } from '../layers/tcp-segment.js';
import { createFlowTable, type FlowTable } from '../flow/flow-table.js';
import { createChatContext } from '../annotate/chat-meaning.js';
import { createMemoryBudget, DEFAULT_MAX_MEMORY, type MemoryBudget } from '../budget/memory-budget.js';
import {
  createEvictionReporter,
  DEFAULT_EVICTION_REPORTS,
  type EvictionReporter,
} from '../budget/eviction-report.js';
import { createHeapGuard, type HeapGuard } from '../budget/heap-guard.js';
import { createCaptureKeys, type CaptureKeys } from '../tls/capture-secrets.js';
import { RunSummary } from './run-summary.js';
import { EventGate } from './event-gate.js';
import { connectionSinks } from './connection-sinks.js';

export class CaptureRun implements CaptureDecoder {
  readonly budget: MemoryBudget;
  private readonly summary: RunSummary;
  private readonly gate: EventGate;
  private readonly heapGuard: HeapGuard;
  private readonly evictions: EvictionReporter;
  private readonly keys: CaptureKeys;
  private readonly flowTable: FlowTable;
  private readonly reader: CaptureReader;
  // With --port/--host the summary counts only what passed the filter, like the view.
  private readonly ports: Set<number>;
  private readonly hosts: Set<string>;
  private readonly filtered: boolean;
  private ended = false;
  /** The TCP packet object made over for every packet (when packets are not kept). */
  private readonly tcp: DecodedTcpPacket | undefined;

  constructor(options: CaptureDecoderOptions, onEvents: (events: WireEvent[]) => void) {
    this.gate = new EventGate(options.events, onEvents);
    // Chat meaning is a field of ws.message: not worked out when no message is read.
    const chat = options.chat === false || !this.gate.keeps('ws.message') ? undefined : createChatContext();
    this.summary = new RunSummary(chat);
    this.budget = createMemoryBudget(options.maxMemory ?? DEFAULT_MAX_MEMORY);
    // Garbage may pile up to a quarter of the budget (at least 24 MiB) before a collection is
    // forced (measured on the hostile captures: half let a million flows peak at 388 MB RSS).
    this.heapGuard = createHeapGuard(Math.max(24 * 1024 * 1024, this.budget.limit / 4));
    this.evictions = createEvictionReporter(
      this.emit,
      options.maxEvictionReports ?? DEFAULT_EVICTION_REPORTS,
    );
    // One object for every connection: secrets found in the capture itself join its key store.
    this.keys = createCaptureKeys(options.tls, this.emit, () => this.summary.event.ts);
    this.flowTable = this.createFlowTable(options);
    this.ports = new Set(options.ports ?? []);
    this.hosts = new Set((options.hosts ?? []).map((h) => h.toLowerCase()));
    this.filtered = this.ports.size > 0 || this.hosts.size > 0;
    // Only tcp.segment events keep a packet (its raw bytes) past the flow table: without them
    // one packet object and one TCP packet object are made over for every packet.
    const kept = this.gate.keeps('tcp.segment');
    this.tcp = kept ? undefined : blankTcpPacket();
    this.reader = createCaptureReader({
      onPacket: this.packet,
      onProblem: this.emit,
      onSecrets: this.keys.onSecrets,
      packetsNotKept: !kept,
    });
  }

  /** Every event of the run (bound once: the layers call it without `this`). */
  readonly emit = (ev: WireEvent): void => {
    this.summary.see(ev);
    this.gate.pass(ev);
  };

  push(chunk: Buffer): void {
    if (this.ended) return;
    this.reader.push(chunk);
    // The chunk's packets are done with: the bytes still referred to are copied.
    this.flowTable.settle();
    this.gate.flush();
    this.heapGuard.decoded(chunk.length);
  }

  end(): SummaryEvent {
    if (!this.ended) {
      this.ended = true;
      this.reader.end();
      this.keys.end();
      this.flowTable.end();
      this.evictions.finish(this.summary.event.ts, this.summary.event.packets);
      this.gate.flush();
    }
    return this.summary.snapshot(this.evictions.counts);
  }

  get format(): 'pcap' | 'pcapng' | undefined {
    return this.reader.format;
  }

  get usable(): boolean {
    return this.reader.usable;
  }

  get stopped(): boolean {
    return this.reader.stopped;
  }

  get packets(): number {
    return this.summary.event.packets;
  }

  deliver(): void {
    if (!this.ended) this.gate.flush();
  }

  private createFlowTable(options: CaptureDecoderOptions): FlowTable {
    return createFlowTable({
      budget: this.budget,
      evictions: this.evictions,
      sinkFactory: connectionSinks(options, this.budget, this.keys.tls, this.gate.keeps('ws.frame')),
      emit: this.emit,
      segmentEvents: this.gate.keeps('tcp.segment'),
      deferHistory: true,
      onSegment: this.summary.countSegment,
      ...(options.ports?.length ? { ports: options.ports } : {}),
      ...(options.hosts?.length ? { hosts: options.hosts } : {}),
      ...(options.idleTimeout !== undefined ? { idleTimeout: options.idleTimeout } : {}),
      ...(options.maxBufferedBytes !== undefined ? { maxBufferedBytes: options.maxBufferedBytes } : {}),
    });
  }

  /** Every packet the reader finds (bound once: the reader calls it without `this`). */
  private readonly packet = (raw: RawPacket): void => {
    const summary = this.summary.event;
    if (!this.filtered) summary.packets++;
    summary.ts = raw.ts;
    this.keys.packet();
    const result = decodeTcpPacket(raw, this.tcp);
    if (result instanceof DecodedTcpPacket) {
      if (this.filtered && !this.passes(result)) return;
      if (this.filtered) summary.packets++;
      summary.tcpPackets++;
      this.flowTable.push(result);
      if (this.gate.full) this.gate.flush();
    } else if (result !== null) {
      this.emit({
        event: 'decode.problem',
        ts: raw.ts,
        src: '',
        dst: '',
        conn: null,
        packet: raw.index,
        code: result.code,
        message: result.message,
        severity: 'warning',
      });
    }
  };

  private passes(p: DecodedTcpPacket): boolean {
    return (
      (this.ports.size === 0 || this.ports.has(p.srcPort) || this.ports.has(p.dstPort)) &&
      (this.hosts.size === 0 || this.hosts.has(p.srcIp) || this.hosts.has(p.dstIp))
    );
  }
}
