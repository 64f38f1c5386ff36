// History for cluster workers: every worker keeps every room's recent public messages, its own
// and those the other workers publish (read from the cluster bus whatever this worker subscribes
// to, since a user may join any room here later and ask for its history or resume in it).
// Message ids stay `<ms>-<seq>`; the sequence is partitioned like user ids (seq % count = index),
// so ids never collide across workers, and messages of a room are kept sorted by id.
// Bounded like MemoryHistory: `perRoom` messages per room, a total text budget across rooms
// (least recently written rooms forgotten first; a resume there is answered as incomplete).
import type { MessageEvent } from '../protocol/events.js';
import { compareMessageIds, parseMessageId, type HistoryStore } from '../store/history.js';
import type { WorkerBus } from './worker-bus.js';

interface RoomLog {
  messages: MessageEvent[];
  keys: [number, number][];
  chars: number;
  /** Id of the newest message dropped from this room, if any. */
  lastDropped?: [number, number];
}

export interface ClusterHistoryOptions {
  perRoom: number;
  index: number;
  count: number;
  /** Characters of text kept in all rooms together. */
  maxChars?: number;
  now?: () => number;
}

export class ClusterHistory implements HistoryStore {
  private readonly rooms = new Map<string, RoomLog>();
  private chars = 0;
  private forgotten: [number, number] | undefined;
  private lastMs = 0;
  private seq = 0;
  private readonly maxChars: number;
  private readonly now: () => number;

  constructor(
    bus: WorkerBus,
    private readonly options: ClusterHistoryOptions,
  ) {
    this.maxChars = options.maxChars ?? 16 * 1024 * 1024;
    this.now = options.now ?? Date.now;
    bus.attach({
      event: (channel, event) => {
        if (channel.startsWith('room:') && event.type === 'message' && event.to === null) this.keep(event);
      },
    });
  }

  append(message: Omit<MessageEvent, 'id'>, keep: boolean): MessageEvent {
    const event: MessageEvent = { ...message, id: this.nextId() };
    if (keep) this.keep(event);
    return event;
  }

  recent(room: string, limit: number): MessageEvent[] {
    const messages = this.rooms.get(room)?.messages ?? [];
    return messages.slice(Math.max(0, messages.length - limit));
  }

  since(room: string, after: string): { messages: MessageEvent[]; complete: boolean } {
    const from = parseMessageId(after);
    const log = this.rooms.get(room);
    if (!from) return { messages: this.recent(room, this.options.perRoom), complete: false };
    const gap = log ? log.lastDropped : this.forgotten;
    if (gap && compareMessageIds(from, gap) < 0) {
      return { messages: this.recent(room, this.options.perRoom), complete: false };
    }
    if (!log) return { messages: [], complete: true };
    let i = log.keys.length;
    while (i > 0 && compareMessageIds(log.keys[i - 1]!, from) > 0) i--;
    return { messages: log.messages.slice(i), complete: true };
  }

  private keep(event: MessageEvent): void {
    const key = parseMessageId(event.id);
    if (!key || this.options.perRoom === 0) return;
    let log = this.rooms.get(event.room);
    if (log) this.rooms.delete(event.room);
    else log = { messages: [], keys: [], chars: 0, lastDropped: this.forgotten };
    this.rooms.set(event.room, log); // re-inserted: most recently written rooms are last
    // Usually the newest; one from another worker may be a little older than the last few.
    let at = log.keys.length;
    while (at > 0 && compareMessageIds(log.keys[at - 1]!, key) > 0) at--;
    log.messages.splice(at, 0, event);
    log.keys.splice(at, 0, key);
    this.count(log, event.text.length);
    if (log.messages.length > this.options.perRoom) this.dropOldest(log);
    for (const [room, old] of this.rooms) {
      if (this.chars <= this.maxChars || old === log) break;
      this.count(old, -old.chars);
      this.rooms.delete(room);
      const newest = old.keys.at(-1)!;
      if (!this.forgotten || compareMessageIds(newest, this.forgotten) > 0) this.forgotten = newest;
    }
    while (this.chars > this.maxChars && log.messages.length > 1) this.dropOldest(log);
  }

  private count(log: RoomLog, chars: number): void {
    log.chars += chars;
    this.chars += chars;
  }

  private dropOldest(log: RoomLog): void {
    const dropped = log.messages.shift()!;
    log.lastDropped = log.keys.shift();
    this.count(log, -dropped.text.length);
  }

  /** Increasing ids of this worker's share (seq % count = index), even if the clock steps back. */
  private nextId(): string {
    const { index, count } = this.options;
    const ms = this.now();
    if (ms > this.lastMs) {
      this.lastMs = ms;
      this.seq = index;
    } else {
      this.seq += count;
    }
    return `${this.lastMs}-${this.seq}`;
  }
}
