// History for cluster workers: every worker keeps every room's recent public messages, its own
// and those the other workers publish (read from the cluster bus whatever this worker subscribes
// to, since a user may join any room here later and ask for its history or resume in it).
// Message ids stay `<ms>-<seq>`; the sequence is partitioned like user ids (seq % count = index),
// so ids never collide across workers, and RoomLogs keeps the messages of a room sorted by id.
// Bounded like MemoryHistory: `perRoom` messages per room, a total text budget across rooms
// (least recently written rooms forgotten first; a resume there is answered as incomplete).
//
// A worker starts with the primary's copy of the rooms' history (the seed, before it serves):
// a replacement for a worker that died then answers like the others, and mints ids after the
// newest one relayed so far, since it reuses the dead worker's share of the id space.
import { MemoryHistory } from '../store/memory-history.js';
import { MessageIds } from '../store/message-ids.js';
import { HISTORY_MAX_CHARS, type HistorySeed } from './history-copy.js';
import type { WorkerBus } from './worker-bus.js';

export interface ClusterHistoryOptions {
  perRoom: number;
  index: number;
  count: number;
  /** Characters of text kept in all rooms together. */
  maxChars?: number;
  now?: () => number;
}

export class ClusterHistory extends MemoryHistory {
  private readonly mint: MessageIds;

  constructor(bus: WorkerBus, options: ClusterHistoryOptions) {
    const now = options.now ?? Date.now;
    const mint = new MessageIds(now, options.index, options.count);
    super(options.perRoom, options.maxChars ?? HISTORY_MAX_CHARS, now, mint);
    this.mint = mint;
    bus.attach({
      // RoomLogs keeps a message once, so one both in the seed and relayed later is no duplicate.
      event: (channel, event) => {
        if (channel.startsWith('room:') && event.type === 'message' && event.to === null)
          this.logs.keep(event);
      },
      history: (seed) => this.seed(seed),
    });
  }

  /** The primary's copy; it arrives before this worker serves (so before it mints any id). */
  private seed(seed: HistorySeed): void {
    this.logs.restore(seed);
    this.mint.resumeAfter(seed.newest);
  }
}
