// The recent messages of each room, kept in id order: the last `perRoom` of each room, within a
// total budget of text (least recently written rooms are forgotten first), so clients inventing
// rooms or writing long messages cannot grow memory without bound. Shared by the in-process
// history stores (one process, or one cluster worker that also keeps what the others relay) and
// by a cluster's primary, whose copy starts a replacement worker (snapshot / restore).
import type { MessageEvent } from '../protocol/events.js';
import { compareMessageIds, parseMessageId, type HistorySince } from './history.js';

interface RoomLog {
  messages: MessageEvent[];
  keys: [number, number][];
  chars: number;
  /** Id of the newest message dropped from this room, if any. */
  lastDropped?: [number, number];
}

/** What RoomLogs holds, for another process: rooms least recently written first. */
export interface RoomLogsSnapshot {
  rooms: { room: string; messages: MessageEvent[]; gap?: string }[];
  /** Newest id of any room forgotten as a whole. */
  forgotten?: string;
}

export class RoomLogs {
  private readonly rooms = new Map<string, RoomLog>();
  private chars = 0;
  /**
   * Newest id of any room forgotten as a whole. A client resuming in a room we hold nothing (or
   * only newer things) about cannot be told "complete" for anything older than this.
   */
  private forgotten: [number, number] | undefined;

  constructor(
    private readonly perRoom: number,
    /** Characters of text kept in all rooms together (about 2 bytes each). */
    private readonly maxChars: number,
  ) {}

  keep(event: MessageEvent): void {
    const key = parseMessageId(event.id);
    if (!key || this.perRoom === 0) return;
    let log = this.rooms.get(event.room);
    if (log) this.rooms.delete(event.room);
    else log = { messages: [], keys: [], chars: 0, lastDropped: this.forgotten };
    this.rooms.set(event.room, log); // re-inserted: most recently written rooms are last
    // Usually the newest; one relayed from elsewhere may be a little older than the last few.
    let at = log.keys.length;
    while (at > 0 && compareMessageIds(log.keys[at - 1]!, key) > 0) at--;
    if (at > 0 && compareMessageIds(log.keys[at - 1]!, key) === 0) return; // already kept
    log.messages.splice(at, 0, event);
    log.keys.splice(at, 0, key);
    this.count(log, event.text.length);
    if (log.messages.length > this.perRoom) this.dropOldest(log);
    // Over budget: forget the least recently written rooms, then, if need be, this room's oldest.
    for (const [room, old] of this.rooms) {
      if (this.chars <= this.maxChars || old === log) break;
      this.count(old, -old.chars);
      this.rooms.delete(room);
      const newest = old.keys.at(-1)!;
      if (!this.forgotten || compareMessageIds(newest, this.forgotten) > 0) this.forgotten = newest;
    }
    while (this.chars > this.maxChars && log.messages.length > 1) this.dropOldest(log);
  }

  /** Copies of what is kept (later messages do not change it), for restore() elsewhere. */
  snapshot(): RoomLogsSnapshot {
    const rooms: RoomLogsSnapshot['rooms'] = [];
    for (const [room, log] of this.rooms) {
      const messages = [...log.messages];
      rooms.push(log.lastDropped ? { room, messages, gap: idOf(log.lastDropped) } : { room, messages });
    }
    return this.forgotten ? { rooms, forgotten: idOf(this.forgotten) } : { rooms };
  }

  /** Starts from another RoomLogs' snapshot (before anything is kept here), gaps included. */
  restore(snapshot: RoomLogsSnapshot): void {
    if (snapshot.forgotten !== undefined) this.forgotten = parseMessageId(snapshot.forgotten);
    for (const { room, messages, gap } of snapshot.rooms) {
      for (const message of messages) this.keep(message);
      const log = this.rooms.get(room);
      const gapKey = gap === undefined ? undefined : parseMessageId(gap);
      if (log) log.lastDropped = gapKey;
      else if (gapKey) this.rooms.set(room, { messages: [], keys: [], chars: 0, lastDropped: gapKey });
    }
  }

  /** Characters of text kept, over all rooms. */
  get size(): number {
    return this.chars;
  }

  recent(room: string, limit: number): MessageEvent[] {
    const messages = this.rooms.get(room)?.messages ?? [];
    return messages.slice(Math.max(0, messages.length - limit));
  }

  since(room: string, after: string): HistorySince {
    const from = parseMessageId(after);
    const log = this.rooms.get(room);
    if (!from) return { messages: this.recent(room, this.perRoom), complete: false };
    const gap = log ? log.lastDropped : this.forgotten;
    if (gap && compareMessageIds(from, gap) < 0) {
      return { messages: this.recent(room, this.perRoom), complete: false };
    }
    if (!log) return { messages: [], complete: true };
    let i = log.keys.length;
    while (i > 0 && compareMessageIds(log.keys[i - 1]!, from) > 0) i--;
    return { messages: log.messages.slice(i), complete: true };
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
}

const idOf = (key: [number, number]): string => `${key[0]}-${key[1]}`;
