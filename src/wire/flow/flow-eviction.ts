// What the flow table gives up when the run is over its memory budget, in order of least harm:
// records of closed connections (oldest first), then other connections, least recently seen
// first, then what the connection of the current packet holds (its out-of-order bytes, then its
// unfinished message), and last that connection itself. Runs between packets, never inside one.
import type { MemoryBudget } from '../budget/memory-budget.js';
import type { EvictionCode, EvictionReporter } from '../budget/eviction-report.js';
import type { Connection, Tombstone } from './connection.js';
import type { RecencyList } from './recency-list.js';

/** The parts of the flow table eviction works on. */
export interface EvictionHost {
  readonly budget: MemoryBudget;
  readonly evictions: EvictionReporter | undefined;
  /** Capture time now. */
  now(): number;
  readonly closedRecent: RecencyList<Tombstone>;
  readonly recent: RecencyList<Connection>;
  /** Whether the connection is still in the table. */
  holds(c: Connection): boolean;
  dropTombstone(key: string): void;
  /** Stops waiting for the connection's holes (events and sink calls flushed); bytes let go. */
  giveUpHoles(c: Connection): number;
  /** Closes the connection with how 'evicted' (its events come out, its state is released). */
  close(c: Connection): void;
}

export function relieveBudget(host: EvictionHost, current: Connection, packet: number): void {
  const budget = host.budget;
  let t: Tombstone | null;
  while (budget.over && (t = host.closedRecent.oldest) !== null) {
    host.dropTombstone(t.key);
    host.evictions?.report({
      code: 'CLOSED_FLOW_EVICTED',
      ts: host.now(),
      src: t.clientText,
      dst: t.serverText,
      conn: t.conn,
      packet,
      message: `record of closed connection ${t.conn} forgotten to stay within the memory budget; its late packets start a new connection`,
    });
  }
  let c: Connection | null;
  // `current` is the newest: the loop stops at it.
  while (budget.over && (c = host.recent.oldest) !== null && c !== current) evict(host, c, packet);
  if (!budget.over || !host.holds(current)) return;
  const dropped = host.giveUpHoles(current);
  if (dropped > 0) report(host, current, 'OUT_OF_ORDER_DROPPED', packet, `${dropped} out-of-order bytes`);
  if (!budget.over) return;
  const shed = current.startedSink?.shed?.({ ts: current.lastTs, packet });
  if (shed !== undefined) report(host, current, shed, packet, 'the unfinished message');
  if (budget.over) evict(host, current, packet);
}

/** Gives a whole connection up: reported, then closed as at the end of a capture. */
function evict(host: EvictionHost, c: Connection, packet: number): void {
  const ws = c.startedSink?.isWebSocket === true;
  report(
    host,
    c,
    ws ? 'WS_STATE_EVICTED' : 'FLOW_EVICTED',
    packet,
    ws ? 'its TCP and WebSocket state' : 'its state',
  );
  host.close(c);
}

function report(host: EvictionHost, c: Connection, code: EvictionCode, packet: number, what: string): void {
  const after =
    code === 'FLOW_EVICTED' || code === 'WS_STATE_EVICTED'
      ? `; connection ${c.conn} was the least recently seen, and its later packets start a new connection picked up mid-stream`
      : code === 'OUT_OF_ORDER_DROPPED'
        ? '; the holes before them are gaps'
        : '; its remaining fragments are skipped';
  host.evictions?.report({
    code,
    ts: host.now(),
    src: c.clientText,
    dst: c.serverText,
    conn: c.conn,
    packet,
    message: `${what} let go to stay within the memory budget${after}`,
  });
}
