// Recent messages per room, for `history` requests and resume after a reconnect (native dialect).
// Message ids look like Redis stream ids, `<ms>-<seq>`, and increase within a room, so "what came
// after id X" is a comparison, and a Redis-stream store can later keep the same ids.
import type { MessageEvent } from '../protocol/events.js';

export interface HistorySince {
  messages: MessageEvent[];
  complete: boolean;
}

export interface HistoryStore {
  /** Gives the message its id at once; public messages (keep=true) are kept for history. */
  append(message: Omit<MessageEvent, 'id'>, keep: boolean): MessageEvent;
  /** The room's last `limit` kept messages, oldest first. Never rejects (a failure is "none"). */
  recent(room: string, limit: number): Promise<MessageEvent[]>;
  /**
   * The messages kept after `after`, oldest first. complete=false when some of the messages after
   * it are no longer kept (or the id is unknown); then `messages` is the recent history instead.
   */
  since(room: string, after: string): Promise<HistorySince>;
  /**
   * Stores that keep their history in this process (memory, SQLite) also answer at once: the same
   * answers as recent() and since(), through which the hub answers with no promise and no live
   * frame held. A store across a network (Redis) has none.
   */
  readonly sync?: SyncHistoryReads;
  /**
   * Forgets the history of rooms unused for the store's expiry that nobody is in, and keeps the
   * others (a shared store refreshes the expiry of this node's rooms). Called now and then.
   */
  expire?(use: RoomUse): void;
}

/** A store's reads answered at once (see HistoryStore.sync). */
export interface SyncHistoryReads {
  recentNow(room: string, limit: number): MessageEvent[];
  sinceNow(room: string, after: string): HistorySince;
}

/** Which rooms are in use, for expire(). */
export interface RoomUse {
  /** Whether anybody (on any node this process knows of) is in the room. */
  occupied(room: string): boolean;
  /** The rooms this node's own users are in. */
  local(): Iterable<string>;
}

/** Parses `<ms>-<seq>` into a comparable pair, or undefined. */
export function parseMessageId(id: string): [number, number] | undefined {
  const m = /^(\d{1,15})-(\d{1,9})$/.exec(id);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

export function compareMessageIds(a: [number, number], b: [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}
