// History in memory: ids from MessageIds, public messages kept in RoomLogs (bounded per room, in
// bytes with each room's overhead, in rooms, and in time for rooms nobody uses).
import type { MessageEvent } from '../protocol/events.js';
import type { HistorySince, HistoryStore, RoomUse, SyncHistoryReads } from './history.js';
import { MessageIds } from './message-ids.js';
import { RoomLogs, type RoomLogLimits } from './room-logs.js';

export class MemoryHistory implements HistoryStore, SyncHistoryReads {
  protected readonly logs: RoomLogs;
  readonly sync: SyncHistoryReads = this;

  constructor(
    limits: Partial<RoomLogLimits> = {},
    now: () => number = Date.now,
    /** Where ids come from (a cluster worker mints only its share of them). */
    private readonly ids = new MessageIds(now),
  ) {
    this.logs = new RoomLogs(limits, now);
  }

  append(message: Omit<MessageEvent, 'id'>, keep: boolean): MessageEvent {
    const event: MessageEvent = { ...message, id: this.ids.next() };
    if (keep) this.logs.keep(event);
    return event;
  }

  recentNow(room: string, limit: number): MessageEvent[] {
    return this.logs.recent(room, limit);
  }

  sinceNow(room: string, after: string): HistorySince {
    return this.logs.since(room, after);
  }

  recent(room: string, limit: number): Promise<MessageEvent[]> {
    return Promise.resolve(this.recentNow(room, limit));
  }

  since(room: string, after: string): Promise<HistorySince> {
    return Promise.resolve(this.sinceNow(room, after));
  }

  expire(use: RoomUse): void {
    this.logs.expire((room) => use.occupied(room));
  }

  /** What is kept, for tests and introspection: rooms and bytes charged. */
  get usage(): { rooms: number; bytes: number } {
    return { rooms: this.logs.roomCount, bytes: this.logs.size };
  }
}
