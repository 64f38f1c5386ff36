// History in memory: the last `perRoom` messages of at most `maxRooms` rooms (least recently
// written rooms are forgotten first), so a client inventing rooms cannot grow memory without bound.
import type { MessageEvent } from '../protocol/events.js';
import { compareMessageIds, parseMessageId, type HistoryStore } from './history.js';

interface RoomLog {
  messages: MessageEvent[];
  /** Id of the newest message dropped from this room, if any. */
  lastDropped?: [number, number];
}

export class MemoryHistory implements HistoryStore {
  private readonly rooms = new Map<string, RoomLog>();
  private lastMs = 0;
  private seq = 0;

  constructor(
    private readonly perRoom = 100,
    private readonly maxRooms = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  append(message: Omit<MessageEvent, 'id'>, keep: boolean): MessageEvent {
    const event: MessageEvent = { ...message, id: this.nextId() };
    if (!keep || this.perRoom === 0) return event;
    let log = this.rooms.get(event.room);
    if (log) this.rooms.delete(event.room);
    else log = { messages: [] };
    this.rooms.set(event.room, log); // re-inserted: most recently written rooms are last
    log.messages.push(event);
    if (log.messages.length > this.perRoom) log.lastDropped = parseMessageId(log.messages.shift()!.id);
    if (this.rooms.size > this.maxRooms) this.rooms.delete(this.rooms.keys().next().value!);
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
    if (log?.lastDropped && compareMessageIds(from, log.lastDropped) < 0) {
      return { messages: this.recent(room, this.perRoom), complete: false };
    }
    const messages = (log?.messages ?? []).filter((m) => compareMessageIds(parseMessageId(m.id)!, from) > 0);
    return { messages, complete: true };
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
