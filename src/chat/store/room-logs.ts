// The recent messages of each room, kept in id order: the last `perRoom` of each room, within a
// budget of bytes that charges every room a fixed cost besides its messages (a room of one short
// message costs far more than its text), at most `maxRooms` rooms, and rooms nobody used for
// `expiryMs` are forgotten. Least recently used rooms go first, so clients inventing rooms cannot
// grow memory without bound. Shared by the in-process history stores (one process, or one cluster
// worker that also keeps what the others relay) and by a cluster's primary, whose copy starts a
// replacement worker (snapshot / restore).
import type { MessageEvent } from '../protocol/events.js';
import { compareMessageIds, parseMessageId, type HistorySince } from './history.js';

/**
 * What one room costs besides its messages (its Map slot, log object and two arrays), and what a
 * message costs besides its strings (event, sender and id-key objects, array slots), in V8's heap.
 * Measured: 50,000 rooms of one 1-character message took 780 bytes each, 2 messages 1,077.
 */
export const ROOM_OVERHEAD_BYTES = 512;
export const MESSAGE_OVERHEAD_BYTES = 224;

/** Bytes a kept message is charged: the fixed part plus its strings at two bytes a character. */
export function messageCost(event: MessageEvent): number {
  const chars = event.text.length + event.from.name.length + event.room.length + event.id.length;
  return MESSAGE_OVERHEAD_BYTES + 2 * chars;
}

export interface RoomLogLimits {
  /** Messages kept per room. */
  perRoom: number;
  /** Bytes kept in all rooms together, each room's overhead included. */
  maxBytes: number;
  /** Rooms kept; past it the least recently used is forgotten. */
  maxRooms: number;
  /** A room unused this long (and not occupied) is forgotten; 0: never. */
  expiryMs: number;
}

export const DEFAULT_ROOM_LOG_LIMITS: RoomLogLimits = {
  perRoom: 100,
  maxBytes: 8 * 1024 * 1024,
  maxRooms: 10_000,
  expiryMs: 3600_000,
};

interface RoomLog {
  messages: MessageEvent[];
  keys: [number, number][];
  bytes: number;
  /** Last write or read (ms): rooms are kept in this order, least recently used first. */
  used: number;
  /** Id of the newest message dropped from this room, if any. */
  lastDropped?: [number, number];
}

/** What RoomLogs holds, for another process: rooms least recently used first. */
export interface RoomLogsSnapshot {
  rooms: { room: string; messages: MessageEvent[]; gap?: string }[];
  /** Newest id of any room forgotten as a whole. */
  forgotten?: string;
}

export class RoomLogs {
  private readonly rooms = new Map<string, RoomLog>();
  private bytes = 0;
  private readonly limits: RoomLogLimits;
  /**
   * Newest id of any room forgotten as a whole. A client resuming in a room we hold nothing (or
   * only newer things) about cannot be told "complete" for anything older than this.
   */
  private forgotten: [number, number] | undefined;

  constructor(
    limits: Partial<RoomLogLimits> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = { ...DEFAULT_ROOM_LOG_LIMITS, ...limits };
  }

  keep(event: MessageEvent): void {
    const key = parseMessageId(event.id);
    const { perRoom, maxBytes, maxRooms } = this.limits;
    if (!key || perRoom === 0 || maxRooms === 0) return;
    let log = this.rooms.get(event.room);
    if (log) this.rooms.delete(event.room);
    else {
      log = { messages: [], keys: [], bytes: 0, used: 0, lastDropped: this.forgotten };
      this.count(log, ROOM_OVERHEAD_BYTES);
    }
    log.used = this.now();
    this.rooms.set(event.room, log); // re-inserted: most recently used rooms are last
    // Usually the newest; one relayed from elsewhere may be a little older than the last few.
    let at = log.keys.length;
    while (at > 0 && compareMessageIds(log.keys[at - 1]!, key) > 0) at--;
    if (at > 0 && compareMessageIds(log.keys[at - 1]!, key) === 0) return; // already kept
    log.messages.splice(at, 0, event);
    log.keys.splice(at, 0, key);
    this.count(log, messageCost(event));
    if (log.messages.length > perRoom) this.dropOldest(log);
    // Over a bound: forget the least recently used rooms, then, if need be, this room's oldest.
    for (const [room, old] of this.rooms) {
      if ((this.bytes <= maxBytes && this.rooms.size <= maxRooms) || old === log) break;
      this.forget(room, old);
    }
    while (this.bytes > maxBytes && log.messages.length > 1) this.dropOldest(log);
  }

  /**
   * Forgets the rooms unused for the expiry that nobody is in; an occupied room counts as used
   * now. Cheap: only the expired front of the use order is visited.
   */
  expire(occupied: (room: string) => boolean): number {
    if (this.limits.expiryMs <= 0) return 0;
    const now = this.now();
    const cutoff = now - this.limits.expiryMs;
    let forgotten = 0;
    for (const [room, log] of this.rooms) {
      if (log.used > cutoff) break;
      if (occupied(room)) this.touch(room, log, now);
      else {
        this.forget(room, log);
        forgotten++;
      }
    }
    return forgotten;
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
    }
  }

  /** Bytes charged, over all rooms (overheads included). */
  get size(): number {
    return this.bytes;
  }

  /** Rooms kept. */
  get roomCount(): number {
    return this.rooms.size;
  }

  recent(room: string, limit: number): MessageEvent[] {
    const log = this.rooms.get(room);
    if (!log) return [];
    this.touch(room, log, this.now());
    return log.messages.slice(Math.max(0, log.messages.length - limit));
  }

  since(room: string, after: string): HistorySince {
    const from = parseMessageId(after);
    const log = this.rooms.get(room);
    const { perRoom } = this.limits;
    if (!from) return { messages: this.recent(room, perRoom), complete: false };
    const gap = log ? log.lastDropped : this.forgotten;
    if (gap && compareMessageIds(from, gap) < 0) {
      return { messages: this.recent(room, perRoom), complete: false };
    }
    if (!log) return { messages: [], complete: true };
    this.touch(room, log, this.now());
    let i = log.keys.length;
    while (i > 0 && compareMessageIds(log.keys[i - 1]!, from) > 0) i--;
    return { messages: log.messages.slice(i), complete: true };
  }

  private touch(room: string, log: RoomLog, now: number): void {
    log.used = now;
    this.rooms.delete(room);
    this.rooms.set(room, log);
  }

  private forget(room: string, log: RoomLog): void {
    this.bytes -= log.bytes;
    this.rooms.delete(room);
    const newest = log.keys.at(-1) ?? log.lastDropped;
    if (newest && (!this.forgotten || compareMessageIds(newest, this.forgotten) > 0)) this.forgotten = newest;
  }

  private count(log: RoomLog, bytes: number): void {
    log.bytes += bytes;
    this.bytes += bytes;
  }

  private dropOldest(log: RoomLog): void {
    const dropped = log.messages.shift()!;
    log.lastDropped = log.keys.shift();
    this.count(log, -messageCost(dropped));
  }
}

const idOf = (key: [number, number]): string => `${key[0]}-${key[1]}`;

/** How often to look for expired rooms: a quarter of the expiry, within 0.1–60 s. */
export function expirySweepMs(expiryMs: number): number {
  return Math.max(100, Math.min(60_000, Math.floor(expiryMs / 4)));
}
