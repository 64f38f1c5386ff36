// What the primary and the workers of `wirechat serve --workers N` say to each other over the
// cluster's IPC channels. Every chat-level change travels as an Op; a worker batches the ops of
// one event-loop turn into one message, and the primary relays each batch unchanged, in order, to
// every other worker, so per-worker order holds for events and presence alike (a user's presence
// entry always arrives before their join event).
import type { RelayedPublication } from '../broker/ipc-broker.js';
import type { NodeStats } from '../ops/metrics.js';
import type { PresenceEntry } from '../store/presence.js';
import type { HistorySeed } from './history-copy.js';
import type { LedgerMessage } from './cluster-ledger.js';

export type Op = RelayedPublication | { op: 'add'; entry: PresenceEntry } | { op: 'rm'; id: number };

/** Worker → primary. */
export type WorkerMessage =
  /** Listening for the primary's messages: from now on it gets the snapshot and every batch. */
  | { t: 'hello' }
  | { t: 'ops'; ops: Op[] }
  | { t: 'ready'; wsPort: number; webPort: number }
  | { t: 'failed'; code: string; message: string; exitCode: number }
  /** /metrics was scraped here: the primary answers with every worker's numbers summed. */
  | { t: 'stats-ask'; id: number }
  /** This worker's own numbers, answering the primary's `stats-ask`. */
  | { t: 'stats'; id: number; stats: NodeStats }
  /** Per-address counts exchanged with the primary (cluster-ledger.ts). */
  | LedgerMessage;

/** Primary → worker. */
export type PrimaryMessage =
  | { t: 'ops'; ops: Op[] }
  /**
   * The rooms' recent public messages, the first message a worker gets (before the snapshot and
   * any batch): a replacement worker starts with the history the others have.
   */
  | { t: 'history'; seed: HistorySeed }
  /** Everyone already online, sent before any relayed batch (a replacement worker starts late). */
  | { t: 'snapshot'; entries: PresenceEntry[] }
  | { t: 'shutdown' }
  /** Asks for the worker's own numbers (one scrape being gathered). */
  | { t: 'stats-ask'; id: number }
  /** The sum over every worker that answered in time, for the scrape `id` of this worker. */
  | { t: 'stats'; id: number; stats: NodeStats }
  /** The other workers' per-address counts, answering this worker's exchange. */
  | LedgerMessage;

/** The options a worker is started with (in its environment, as JSON). */
export const WORKER_OPTIONS_ENV = 'WIRECHAT_CLUSTER_WORKER';

export interface WorkerSetup {
  index: number;
  count: number;
  nodeId: string;
  /** createChatServer's options, plain JSON. */
  options: Record<string, unknown>;
}

export function isOpsMessage(value: unknown): value is { t: 'ops'; ops: Op[] } {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as { t?: unknown }).t === 'ops' &&
    Array.isArray((value as { ops?: unknown }).ops)
  );
}
