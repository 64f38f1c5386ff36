// The decoder pipeline: capture bytes in, WireEvents out, in batches.
//
//   capture reader → decodePacket → flow table (tcp.*) → [TLS (tls.*)] → WebSocket decoder (http.*, ws.*)
//   → chat meaning (annotate) → onEvents(batch) → a view
//
// Synchronous and push-based: push(chunk) decodes what the chunk completes and hands its events
// to onEvents in arrays (never a promise per packet): one per chunk, or several of about
// BATCH_EVENTS events for a large chunk, cut between packets. Short batches matter for memory:
// events (and their message text) that are still waiting in a batch when the young generation
// is collected get copied and promoted, and promoted garbage makes the heap grow with the
// file. It knows nothing about files, terminals or the CLI, so `read`, `capture` and `tap`
// share it.
import type { DecodeProblemEvent, SummaryEvent, WireEvent } from './events.js';
import { createCaptureReader } from './source/capture-reader.js';
import { decodePacket } from './layers/decode-packet.js';
import { createFlowTable } from './flow/flow-table.js';
import { createWebSocketConnectionDecoder } from './websocket/connection-decoder.js';
import { createChatContext } from './annotate/chat-meaning.js';
import { createTlsAwareSink } from './tls/tls-sink.js';
import type { TlsOptions } from './tls/tls-connection.js';
import { createMemoryBudget, DEFAULT_MAX_MEMORY, type MemoryBudget } from './budget/memory-budget.js';
import { createEvictionReporter, DEFAULT_EVICTION_REPORTS } from './budget/eviction-report.js';
import { createHeapGuard } from './budget/heap-guard.js';
import { createCaptureKeys } from './tls/capture-secrets.js';

export interface CaptureDecoderOptions {
  /** Keep only connections with one of these ports on either side (empty = all). */
  ports?: number[];
  /** Keep only connections with one of these addresses on either side (empty = all). */
  hosts?: string[];
  /** Capture-time seconds after which an idle connection's state is released. */
  idleTimeout?: number;
  /** Out-of-order bytes buffered per direction before declaring a gap. */
  maxBufferedBytes?: number;
  /** Largest reassembled/inflated WebSocket message kept. */
  maxMessageBytes?: number;
  /** Inflate-bomb guard. */
  maxInflateRatio?: number;
  /** Attach payload Buffers to ws.frame events (tcpdump and HTML views). */
  includeFramePayloads?: boolean;
  /** Recognise chat messages and set ws.message.chat (default true). */
  chat?: boolean;
  /** TLS connections (recognised by content): the key store that decrypts them, and bounds. */
  tls?: TlsOptions;
  /** Bytes of state the whole run may keep (default 96 MiB): past it, state is evicted. */
  maxMemory?: number;
  /** Evictions reported one by one before the rest are only counted (default 20). */
  maxEvictionReports?: number;
  /**
   * Which events the caller reads (jsonl's --events; default all). The others are not handed
   * on, and those a layer can skip are never built (tcp.segment); the summary counts the same.
   * decode.problem is always handed on (a caller looks for the first one).
   */
  events?: (name: string) => boolean;
}

export interface CaptureDecoder {
  push(chunk: Buffer): void;
  /** The capture is over: flushes every connection, delivers the last batch, returns the summary. */
  end(): SummaryEvent;
  /** 'pcap' | 'pcapng' once the header was read. */
  readonly format: 'pcap' | 'pcapng' | undefined;
  /** false when the input is not a capture at all. */
  readonly usable: boolean;
  /** true once the capture cannot be read further (garbage header or framing): stop reading. */
  readonly stopped: boolean;
  /** Packets read so far. */
  readonly packets: number;
  /** The run's memory budget (what is charged now, the peak). */
  readonly budget: MemoryBudget;
  /** Hands over events made between pushes (TLS connections released when their secrets arrive). */
  deliver(): void;
}

/** Events gathered before they are handed on (the batch is cut at the next packet boundary). */
const BATCH_EVENTS = 256;

/** Problems that mean trouble in the capture (normal TCP life like retransmissions is not counted). */
const PROBLEM_EVENTS = new Set(['decode.problem', 'tcp.gap', 'tcp.overlap-conflict']);

export function createCaptureDecoder(
  options: CaptureDecoderOptions,
  onEvents: (events: WireEvent[]) => void,
): CaptureDecoder {
  let batch: WireEvent[] = [];
  // Chat meaning is a field of ws.message: not worked out when no message is read.
  const chat =
    options.chat === false || (options.events !== undefined && !options.events('ws.message'))
      ? undefined
      : createChatContext();
  const summary: SummaryEvent = {
    event: 'summary',
    ts: 0,
    src: '',
    dst: '',
    packets: 0,
    tcpPackets: 0,
    connections: 0,
    websocketConnections: 0,
    messages: { client: 0, server: 0 },
    bytes: { client: 0, server: 0 },
    problems: 0,
    problemsByCode: {},
    evictions: {},
  };
  const budget = createMemoryBudget(options.maxMemory ?? DEFAULT_MAX_MEMORY);
  // Garbage may pile up to a quarter of the budget (at least 24 MiB) before a collection is
  // forced (measured on the hostile captures: half let a million flows peak at 388 MB RSS).
  const heapGuard = createHeapGuard(Math.max(24 * 1024 * 1024, budget.limit / 4));
  // Connections known to carry WebSocket; entries leave when the connection is released.
  const wsConns = new Set<number>();

  const countProblem = (code: string): void => {
    summary.problems++;
    summary.problemsByCode[code] = (summary.problemsByCode[code] ?? 0) + 1;
  };

  const wanted = options.events;
  const keep = (name: string): boolean => wanted === undefined || name === 'decode.problem' || wanted(name);
  // Decided once per event name, not once per event.
  const kept = new Map<string, boolean>();

  const emit = (ev: WireEvent): void => {
    switch (ev.event) {
      case 'tcp.segment':
        break; // counted by countSegment (also when no segment event is built)
      case 'ws.message':
        summary.messages[ev.from]++;
        if (chat && ev.opcode === 1 && ev.text !== undefined && ev.chat === undefined) {
          const meaning = chat.describe(ev.conn, ev.from, ev.text);
          if (meaning) ev.chat = meaning;
        }
        markWebSocket(ev.conn);
        break;
      case 'ws.frame':
      case 'ws.ping':
      case 'ws.pong':
      case 'ws.close':
        markWebSocket(ev.conn);
        break;
      case 'http.response':
        if (ev.status === 101) markWebSocket(ev.conn);
        break;
      case 'tcp.close':
        if (ev.how !== 'fin' && ev.how !== 'rst') {
          chat?.release(ev.conn);
          wsConns.delete(ev.conn);
        }
        break;
      default:
        if (PROBLEM_EVENTS.has(ev.event)) {
          countProblem(
            ev.event === 'decode.problem'
              ? ev.code
              : ev.event.replace('tcp.', 'TCP_').toUpperCase().replace(/-/g, '_'),
          );
        }
    }
    if (wanted === undefined) {
      batch.push(ev);
      return;
    }
    let k = kept.get(ev.event);
    if (k === undefined) {
      k = keep(ev.event);
      kept.set(ev.event, k);
    }
    if (k) batch.push(ev);
  };

  const countSegment = (conn: number, from: 'client' | 'server', len: number): void => {
    summary.bytes[from] += len;
    if (conn > summary.connections) summary.connections = conn;
  };

  const markWebSocket = (conn: number): void => {
    if (wsConns.has(conn)) return;
    wsConns.add(conn);
    summary.websocketConnections++;
  };

  const evictions = createEvictionReporter(emit, options.maxEvictionReports ?? DEFAULT_EVICTION_REPORTS);
  // One object for every connection: secrets found in the capture itself join its key store.
  const keys = createCaptureKeys(
    options.tls,
    (p) => emit(p),
    () => summary.ts,
  );

  const flowTable = createFlowTable({
    budget,
    evictions,
    sinkFactory: (info, sinkEmit) =>
      createTlsAwareSink(
        info,
        sinkEmit,
        createWebSocketConnectionDecoder(info, sinkEmit, {
          budget,
          ...(options.maxMessageBytes !== undefined ? { maxMessageBytes: options.maxMessageBytes } : {}),
          ...(options.maxInflateRatio !== undefined ? { maxInflateRatio: options.maxInflateRatio } : {}),
          includeFramePayloads: options.includeFramePayloads ?? false,
          // Frames nobody reads are decoded and checked but not built as events.
          wantFrames: keep('ws.frame'),
        }),
        keys.tls,
        budget,
      ),
    emit,
    segmentEvents: keep('tcp.segment'),
    onSegment: countSegment,
    ...(options.ports?.length ? { ports: options.ports } : {}),
    ...(options.hosts?.length ? { hosts: options.hosts } : {}),
    ...(options.idleTimeout !== undefined ? { idleTimeout: options.idleTimeout } : {}),
    ...(options.maxBufferedBytes !== undefined ? { maxBufferedBytes: options.maxBufferedBytes } : {}),
  });

  const problem = (p: DecodeProblemEvent): void => emit(p);

  // With --port/--host the summary counts only what passed the filter, like the view.
  const ports = new Set(options.ports ?? []);
  const hosts = new Set((options.hosts ?? []).map((h) => h.toLowerCase()));
  const filtered = ports.size > 0 || hosts.size > 0;
  const passes = (p: { src: { ip: string; port: number }; dst: { ip: string; port: number } }): boolean =>
    (ports.size === 0 || ports.has(p.src.port) || ports.has(p.dst.port)) &&
    (hosts.size === 0 || hosts.has(p.src.ip) || hosts.has(p.dst.ip));

  const reader = createCaptureReader({
    onPacket(raw) {
      if (!filtered) summary.packets++;
      summary.ts = raw.ts;
      keys.packet();
      const result = decodePacket(raw);
      if (result.kind === 'tcp') {
        if (filtered && !passes(result.packet)) return;
        if (filtered) summary.packets++;
        summary.tcpPackets++;
        flowTable.push(result.packet);
        if (batch.length >= BATCH_EVENTS) flush();
      } else if (result.kind === 'problem') {
        problem({
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
    },
    onProblem: problem,
    onSecrets: keys.onSecrets,
  });

  const flush = (): void => {
    if (batch.length === 0) return;
    const out = batch;
    batch = [];
    onEvents(out);
  };

  let ended = false;
  return {
    push(chunk) {
      if (ended) return;
      reader.push(chunk);
      flush();
      heapGuard.decoded(chunk.length);
    },
    end() {
      if (!ended) {
        ended = true;
        reader.end();
        keys.end();
        flowTable.end();
        evictions.finish(summary.ts, summary.packets);
        flush();
      }
      return {
        ...summary,
        messages: { ...summary.messages },
        bytes: { ...summary.bytes },
        problemsByCode: { ...summary.problemsByCode },
        evictions: { ...evictions.counts },
      };
    },
    get format() {
      return reader.format;
    },
    get usable() {
      return reader.usable;
    },
    get stopped() {
      return reader.stopped;
    },
    get packets() {
      return summary.packets;
    },
    budget,
    deliver() {
      if (!ended) flush();
    },
  };
}
