// The primary's copy of every room's recent public messages, taken from the batches it relays, so
// that a worker forked to replace one that died starts with the history the others have (it
// missed every message published before it existed). Same bounds and forgetting as the workers'
// RoomLogs (store/room-logs.ts): the last `perRoom` messages of each room in id order, a total
// text budget across rooms (least recently written rooms forgotten first), so the primary's
// memory stays bounded too. It also remembers where each room's kept messages start (the newest
// dropped id) and the newest id of a forgotten room, so that the new worker answers a resume from
// before them as incomplete, as the others do.
import type { ChatEvent, MessageEvent } from '../protocol/events.js';
import { compareMessageIds, parseMessageId } from '../store/history.js';

/** The workers' default text budget (MemoryHistory's), used by the workers and the primary alike. */
export const HISTORY_MAX_CHARS = 16 * 1024 * 1024;

type Key = [number, number];

interface Log {
  messages: MessageEvent[];
  keys: Key[];
  chars: number;
  /** Newest id dropped from this room (or forgotten before it was created), if any. */
  gap?: Key;
}

/** What a new worker starts its history with; rooms least recently written first. */
export interface HistorySeed {
  rooms: { room: string; messages: MessageEvent[]; gap?: string }[];
  /** Newest id of any room forgotten as a whole. */
  forgotten?: string;
  /** Newest message id relayed (public or private): the new worker mints ids after it. */
  newest?: string;
}

export class HistoryCopy {
  private readonly rooms = new Map<string, Log>();
  private chars = 0;
  private forgotten: Key | undefined;
  private newest: Key | undefined;

  constructor(
    private readonly perRoom: number,
    private readonly maxChars = HISTORY_MAX_CHARS,
  ) {}

  /** An event relayed on `channel`: every message id is noted, public room messages kept. */
  relayed(channel: string, event: ChatEvent): void {
    if (event.type !== 'message') return;
    const key = parseMessageId(event.id);
    if (!key) return;
    if (!this.newest || compareMessageIds(key, this.newest) > 0) this.newest = key;
    if (event.to === null && channel.startsWith('room:') && this.perRoom > 0) this.keep(event, key);
  }

  seed(): HistorySeed {
    const rooms: HistorySeed['rooms'] = [];
    for (const [room, log] of this.rooms) {
      // Copies: the seed may be read after later messages changed the logs.
      const messages = [...log.messages];
      rooms.push(log.gap ? { room, messages, gap: idOf(log.gap) } : { room, messages });
    }
    const seed: HistorySeed = { rooms };
    if (this.forgotten) seed.forgotten = idOf(this.forgotten);
    if (this.newest) seed.newest = idOf(this.newest);
    return seed;
  }

  /** Text characters kept, over all rooms. */
  get size(): number {
    return this.chars;
  }

  private keep(event: MessageEvent, key: Key): void {
    let log = this.rooms.get(event.room);
    if (log) this.rooms.delete(event.room);
    else log = { messages: [], keys: [], chars: 0, gap: this.forgotten };
    this.rooms.set(event.room, log); // re-inserted: most recently written rooms are last
    // Batches of different workers interleave: a message may be a little older than the last few.
    let at = log.keys.length;
    while (at > 0 && compareMessageIds(log.keys[at - 1]!, key) > 0) at--;
    if (at > 0 && compareMessageIds(log.keys[at - 1]!, key) === 0) return; // already kept
    log.messages.splice(at, 0, event);
    log.keys.splice(at, 0, key);
    this.count(log, event.text.length);
    if (log.messages.length > this.perRoom) this.dropOldest(log);
    for (const [room, old] of this.rooms) {
      if (this.chars <= this.maxChars || old === log) break;
      this.count(old, -old.chars);
      this.rooms.delete(room);
      const newest = old.keys.at(-1)!;
      if (!this.forgotten || compareMessageIds(newest, this.forgotten) > 0) this.forgotten = newest;
    }
    while (this.chars > this.maxChars && log.messages.length > 1) this.dropOldest(log);
  }

  private count(log: Log, chars: number): void {
    log.chars += chars;
    this.chars += chars;
  }

  private dropOldest(log: Log): void {
    const dropped = log.messages.shift()!;
    log.gap = log.keys.shift();
    this.count(log, -dropped.text.length);
  }
}

const idOf = (key: Key): string => `${key[0]}-${key[1]}`;
