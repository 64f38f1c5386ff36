// History in memory: the last `perRoom` messages of each room, within a total budget of text
// (least recently written rooms are forgotten first), so clients inventing rooms or writing long
// messages cannot grow memory without bound.
import type { MessageEvent } from '../protocol/events.js';
import { compareMessageIds, parseMessageId, type HistoryStore } from './history.js';

interface RoomLog {
  messages: MessageEvent[];
  chars: number;
  /** Id of the newest message dropped from this room, if any. */
  lastDropped?: [number, number];
}

export class MemoryHistory implements HistoryStore {
  private readonly rooms = new Map<string, RoomLog>();
  private chars = 0;
  /**
   * Newest id of any room forgotten as a whole. A client resuming in a room we hold nothing (or
   * only newer things) about cannot be told "complete" for anything older than this.
   */
  private forgotten: [number, number] | undefined;
  private lastMs = 0;
  private seq = 0;

  constructor(
    private readonly perRoom = 100,
    /** Characters of text kept in all rooms together (about 2 bytes each). */
    private readonly maxChars = 16 * 1024 * 1024,
    private readonly now: () => number = Date.now,
  ) {}

  append(message: Omit<MessageEvent, 'id'>, keep: boolean): MessageEvent {
    const event: MessageEvent = { ...message, id: this.nextId() };
    if (!keep || this.perRoom === 0) return event;
    let log = this.rooms.get(event.room);
    if (log) this.rooms.delete(event.room);
    else log = { messages: [], chars: 0, lastDropped: this.forgotten };
    this.rooms.set(event.room, log); // re-inserted: most recently written rooms are last
    log.messages.push(event);
    this.count(log, event.text.length);
    if (log.messages.length > this.perRoom) this.dropOldest(log);
    // Over budget: forget the least recently written rooms, then, if need be, this room's oldest.
    for (const [room, old] of this.rooms) {
      if (this.chars <= this.maxChars || old === log) break;
      this.count(old, -old.chars);
      this.rooms.delete(room);
      const newest = parseMessageId(old.messages.at(-1)!.id)!;
      if (!this.forgotten || compareMessageIds(newest, this.forgotten) > 0) this.forgotten = newest;
    }
    while (this.chars > this.maxChars && log.messages.length > 1) this.dropOldest(log);
    return event;
  }

  recent(room: string, limit: number): MessageEvent[] {
    const messages = this.rooms.get(room)?.messages ?? [];
    return messages.slice(Math.max(0, messages.length - limit));
  }

  since(room: string, after: string): { messages: MessageEvent[]; complete: boolean } {
    const from = parseMessageId(after);
    const log = this.rooms.get(room);
    if (!from) return { messages: this.recent(room, this.perRoom), complete: false };
    const gap = log ? log.lastDropped : this.forgotten;
    if (gap && compareMessageIds(from, gap) < 0) {
      return { messages: this.recent(room, this.perRoom), complete: false };
    }
    const messages = (log?.messages ?? []).filter((m) => compareMessageIds(parseMessageId(m.id)!, from) > 0);
    return { messages, complete: true };
  }

  private count(log: RoomLog, chars: number): void {
    log.chars += chars;
    this.chars += chars;
  }

  private dropOldest(log: RoomLog): void {
    const dropped = log.messages.shift()!;
    this.count(log, -dropped.text.length);
    log.lastDropped = parseMessageId(dropped.id);
  }

  /** Increasing ids even if the clock steps back: the sequence carries on within the last ms. */
  private nextId(): string {
    const ms = this.now();
    if (ms > this.lastMs) {
      this.lastMs = ms;
      this.seq = 0;
    } else {
      this.seq++;
    }
    return `${this.lastMs}-${this.seq}`;
  }
}
