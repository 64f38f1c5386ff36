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
import type { MessageEvent } from '../protocol/events.js';
import { compareMessageIds, parseMessageId, type HistorySince } from '../store/history.js';
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

type Key = [number, number];

export class ClusterHistory extends MemoryHistory {
  private readonly perRoom: number;
  private readonly mint: MessageIds;
  /**
   * From the seed: per room, the id before which the primary's copy had already dropped messages
   * (undefined: it had them all); rooms not in the seed fall back to `seededForgotten`. This
   * worker's own logs only learn of later gaps, so resumes from before these are incomplete.
   */
  private readonly seededGaps = new Map<string, Key | undefined>();
  private seededForgotten: Key | undefined;
  /** Newest seeded id per room: only a relayed message up to it could be one already kept. */
  private readonly seededNewest = new Map<string, Key>();

  constructor(bus: WorkerBus, options: ClusterHistoryOptions) {
    const now = options.now ?? Date.now;
    const mint = new MessageIds(now, options.index, options.count);
    super(options.perRoom, options.maxChars ?? HISTORY_MAX_CHARS, now, mint);
    this.perRoom = options.perRoom;
    this.mint = mint;
    bus.attach({
      event: (channel, event) => {
        if (channel.startsWith('room:') && event.type === 'message' && event.to === null)
          this.keepRelayed(event);
      },
      history: (seed) => this.seed(seed),
    });
  }

  override since(room: string, after: string): HistorySince {
    const from = parseMessageId(after);
    const gap = this.seededGaps.has(room) ? this.seededGaps.get(room) : this.seededForgotten;
    if (from && gap && compareMessageIds(from, gap) < 0) {
      return { messages: this.recent(room, this.perRoom), complete: false };
    }
    return super.since(room, after);
  }

  /** The primary's copy; it arrives before this worker serves (so before it mints any id). */
  private seed(seed: HistorySeed): void {
    for (const { room, messages, gap } of seed.rooms) {
      this.seededGaps.set(room, gap === undefined ? undefined : parseMessageId(gap));
      for (const message of messages) this.logs.keep(message);
      const newest = messages.at(-1) && parseMessageId(messages.at(-1)!.id);
      if (newest) this.seededNewest.set(room, newest);
    }
    if (seed.forgotten !== undefined) this.seededForgotten = parseMessageId(seed.forgotten);
    this.mint.resumeAfter(seed.newest);
  }

  private keepRelayed(event: MessageEvent): void {
    const seeded = this.seededNewest.get(event.room);
    if (seeded) {
      const key = parseMessageId(event.id);
      // The relay sends each message once (in the seed or in a batch); this only guards the edge.
      if (key && compareMessageIds(key, seeded) <= 0) {
        if (this.logs.recent(event.room, this.perRoom).some((m) => m.id === event.id)) return;
      } else this.seededNewest.delete(event.room);
    }
    this.logs.keep(event);
  }
}
