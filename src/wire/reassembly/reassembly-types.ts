// What a stream reassembler (stream-reassembler.ts) takes and hands on: its options, its
// listener and what it says of each segment.
import type { MemoryBudget } from '../budget/memory-budget.js';
import type { HistoryQueue } from './history-ring.js';

export type ReassemblyProblem = 'tcp.overlap-conflict' | 'tcp.out-of-order' | 'tcp.retransmission';

/** Where a reassembler's output goes. Calls happen synchronously inside push/syn/flush. */
export interface ReassemblyListener {
  /** In-order bytes (a view; copy to keep). */
  onData(bytes: Buffer): void;
  /** `missing` bytes will never come; the next onData continues after them. */
  onGap(missing: number): void;
  /** The FIN was reached (or the stream was finished): no more calls follow. */
  onEnd(): void;
  onProblem(kind: ReassemblyProblem, bytes: number): void;
}

export interface StreamReassemblerOptions {
  /** Max out-of-order bytes buffered before declaring a gap (default 4 MiB). */
  maxBufferedBytes?: number;
  /** Delivered bytes remembered for conflict checks (default 2048). */
  historyBytes?: number;
  /** The run's memory budget, charged with what is buffered. */
  budget?: MemoryBudget;
  /**
   * Where the history of delivered bytes defers its copies (history-ring.ts): its owner settles
   * it before the bytes delivered are let go. Without one, every segment is copied at once.
   */
  historyQueue?: HistoryQueue;
}

/** What a segment turned out to be, for the tcp.segment event's role. */
export enum SegmentClass {
  /** No payload. */
  Empty = 0,
  /** At least one byte not seen before. */
  Data = 1,
  /** Every byte was seen before. */
  Retransmission = 2,
  /** A keep-alive probe (0 or 1 byte just before the next expected byte). */
  KeepAlive = 3,
}
