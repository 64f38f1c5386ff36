// The primary's copy of every room's recent public messages, taken from the batches it relays, so
// that a worker forked to replace one that died starts with the history the others have (it
// missed every message published before it existed). The same RoomLogs as the workers' (store/room-logs.ts),
// with the same bounds, so the primary's memory stays bounded too; its snapshot carries where
// each room's kept messages start, so that the new worker answers a resume from before them as
// incomplete, as the others do.
import type { ChatEvent } from '../protocol/events.js';
import { compareMessageIds, parseMessageId } from '../store/history.js';
import { RoomLogs, type RoomLogLimits, type RoomLogsSnapshot } from '../store/room-logs.js';

/** What a new worker starts its history with. */
export interface HistorySeed extends RoomLogsSnapshot {
  /** Newest message id relayed (public or private): the new worker mints ids after it. */
  newest?: string;
}

export class HistoryCopy {
  private readonly logs: RoomLogs;
  private newest: [number, number] | undefined;

  constructor(limits: Partial<RoomLogLimits> = {}, now: () => number = Date.now) {
    this.logs = new RoomLogs(limits, now);
  }

  /** An event relayed on `channel`: every message id is noted, public room messages kept. */
  relayed(channel: string, event: ChatEvent): void {
    if (event.type !== 'message') return;
    const key = parseMessageId(event.id);
    if (!key) return;
    if (!this.newest || compareMessageIds(key, this.newest) > 0) this.newest = key;
    if (event.to === null && channel.startsWith('room:')) this.logs.keep(event);
  }

  /** Forgets the rooms that expired and nobody is in (see RoomLogs.expire). */
  expire(occupied: (room: string) => boolean): number {
    return this.logs.expire(occupied);
  }

  seed(): HistorySeed {
    const seed: HistorySeed = this.logs.snapshot();
    if (this.newest) seed.newest = `${this.newest[0]}-${this.newest[1]}`;
    return seed;
  }

  /** Bytes charged (overheads included), over all rooms. */
  get size(): number {
    return this.logs.size;
  }

  /** Rooms kept. */
  get roomCount(): number {
    return this.logs.roomCount;
  }
}
