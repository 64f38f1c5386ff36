// How state given up to stay within the memory budget is reported: one decode.problem per
// eviction for the first few (so the first ones can be found in the output), then silence, and
// one closing line saying how many more there were. Every eviction is counted by code for the
// summary, shown or not, so a million evictions cost a million increments, not a million lines.
import type { DecodeProblemEvent } from '../events.js';
import type { EmitEvent } from '../stream.js';

/** Stable codes of what the budget made the decoder give up. */
export type EvictionCode =
  /** A connection's whole state (TCP and whatever was above it), least recently seen first. */
  | 'FLOW_EVICTED'
  /** The same, for a connection that carried WebSocket (its frame, message and inflate state). */
  | 'WS_STATE_EVICTED'
  /** A closed connection's record (kept to number its last stray packets). */
  | 'CLOSED_FLOW_EVICTED'
  /** The unfinished message of the connection being decoded (its fragments so far). */
  | 'FRAGMENTS_DROPPED'
  /** Out-of-order bytes of the connection being decoded: the holes before them became gaps. */
  | 'OUT_OF_ORDER_DROPPED';

/** Lines shown one by one before the rest are only counted (default of maxEvictionReports). */
export const DEFAULT_EVICTION_REPORTS = 20;

export interface Eviction {
  code: EvictionCode;
  ts: number;
  src: string;
  dst: string;
  conn: number | null;
  packet: number;
  message: string;
}

export interface EvictionReporter {
  report(e: Eviction): void;
  /** Emits the closing "and K more" line, if any were left unshown. */
  finish(ts: number, packet: number): void;
  /** Evictions so far by code (shown or not). */
  readonly counts: Readonly<Record<string, number>>;
}

export function createEvictionReporter(
  emit: EmitEvent,
  maxShown = DEFAULT_EVICTION_REPORTS,
): EvictionReporter {
  const counts: Record<string, number> = {};
  let shown = 0;
  let unshown = 0;
  return {
    counts,
    report(e) {
      counts[e.code] = (counts[e.code] ?? 0) + 1;
      if (shown >= maxShown) {
        unshown++;
        return;
      }
      shown++;
      const event: DecodeProblemEvent = {
        event: 'decode.problem',
        ts: e.ts,
        src: e.src,
        dst: e.dst,
        conn: e.conn,
        packet: e.packet,
        code: e.code,
        message: e.message,
        severity: 'warning',
      };
      emit(event);
    },
    finish(ts, packet) {
      if (unshown === 0) return;
      const byCode = Object.entries(counts)
        .map(([code, n]) => `${code} ${n}`)
        .join(', ');
      emit({
        event: 'decode.problem',
        ts,
        src: '',
        dst: '',
        conn: null,
        packet,
        code: 'EVICTIONS_NOT_SHOWN',
        message: `and ${unshown} more evictions to stay within the memory budget (in all: ${byCode}; see the summary's evictions)`,
        severity: 'warning',
      });
      unshown = 0;
    },
  };
}
