// History for cluster workers: every worker keeps every room's recent public messages, its own
// and those the other workers publish (read from the cluster bus whatever this worker subscribes
// to, since a user may join any room here later and ask for its history or resume in it).
// Message ids stay `<ms>-<seq>`; the sequence is partitioned like user ids (seq % count = index),
// so ids never collide across workers, and RoomLogs keeps the messages of a room sorted by id.
// Bounded like MemoryHistory: `perRoom` messages per room, a total text budget across rooms
// (least recently written rooms forgotten first; a resume there is answered as incomplete).
import { MemoryHistory } from '../store/memory-history.js';
import { MessageIds } from '../store/message-ids.js';
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
  constructor(bus: WorkerBus, options: ClusterHistoryOptions) {
    const now = options.now ?? Date.now;
    super(options.perRoom, options.maxChars, now, new MessageIds(now, options.index, options.count));
    bus.attach({
      event: (channel, event) => {
        if (channel.startsWith('room:') && event.type === 'message' && event.to === null)
          this.logs.keep(event);
      },
    });
  }
}
