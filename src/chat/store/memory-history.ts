// History in memory: ids from MessageIds, public messages kept in RoomLogs (bounded per room and
// in total text).
import type { MessageEvent } from '../protocol/events.js';
import type { HistorySince, HistoryStore } from './history.js';
import { MessageIds } from './message-ids.js';
import { RoomLogs } from './room-logs.js';

export class MemoryHistory implements HistoryStore {
  protected readonly logs: RoomLogs;

  constructor(
    perRoom = 100,
    /** Characters of text kept in all rooms together (about 2 bytes each). */
    maxChars = 16 * 1024 * 1024,
    now: () => number = Date.now,
    /** Where ids come from (a cluster worker mints only its share of them). */
    private readonly ids = new MessageIds(now),
  ) {
    this.logs = new RoomLogs(perRoom, maxChars);
  }

  append(message: Omit<MessageEvent, 'id'>, keep: boolean): MessageEvent {
    const event: MessageEvent = { ...message, id: this.ids.next() };
    if (keep) this.logs.keep(event);
    return event;
  }

  recent(room: string, limit: number): MessageEvent[] {
    return this.logs.recent(room, limit);
  }

  since(room: string, after: string): HistorySince {
    return this.logs.since(room, after);
  }
}
