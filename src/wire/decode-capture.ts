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
import type { SummaryEvent, WireEvent } from './events.js';
import type { TlsOptions } from './tls/tls-connection.js';
import type { MemoryBudget } from './budget/memory-budget.js';
import { CaptureRun } from './run/capture-run.js';

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

export function createCaptureDecoder(
  options: CaptureDecoderOptions,
  onEvents: (events: WireEvent[]) => void,
): CaptureDecoder {
  return new CaptureRun(options, onEvents);
}
