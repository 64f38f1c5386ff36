// History for cluster workers: every worker keeps every room's recent public messages, its own
// and those the other workers publish (read from the cluster bus whatever this worker subscribes
// to, since a user may join any room here later and ask for its history or resume in it).
// Message ids stay `<ms>-<seq>`; the sequence is partitioned like user ids (seq % count = index),
// so ids never collide across workers, and RoomLogs keeps the messages of a room sorted by id.
// Bounded like MemoryHistory: `perRoom` messages per room, a byte budget across rooms with each
// room's overhead, a number of rooms (least recently used forgotten first; a resume there is
// answered as incomplete), and an expiry for rooms nobody uses.
//
// A worker starts with the primary's copy of the rooms' history (the seed, before it serves):
// a replacement for a worker that died then answers like the others, and mints ids after the
// newest one relayed so far, since it reuses the dead worker's share of the id space.
import { MemoryHistory } from '../store/memory-history.js';
import { MessageIds } from '../store/message-ids.js';
import type { RoomLogLimits } from '../store/room-logs.js';
import type { HistorySeed } from './history-copy.js';
import type { WorkerBus } from './worker-bus.js';

export interface ClusterHistoryOptions extends Partial<RoomLogLimits> {
  index: number;
  count: number;
  now?: () => number;
}

export class ClusterHistory extends MemoryHistory {
  private readonly mint: MessageIds;

  constructor(bus: WorkerBus, options: ClusterHistoryOptions) {
    const now = options.now ?? Date.now;
    const mint = new MessageIds(now, options.index, options.count);
    const { index: _index, count: _count, now: _now, ...limits } = options;
    super(limits, now, mint);
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
