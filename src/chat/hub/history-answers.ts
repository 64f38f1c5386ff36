// History answers and resumes for the hub: read from the store, encoded within the byte cap
// (history-answer.ts), and kept in a small cache per room, dialect and limit (and the "too old"
// answer to a resume, the same for everyone), so that a client asking again and again costs a
// lookup, not an encoding of megabytes.
// A room's entries are dropped when a message is said there (the hub calls invalidate()) and when
// its last local user leaves; the cache has its own byte bound (least recently used entries go).
// A store in this process is read at once (HistoryStore.sync); one across a network (Redis) later,
// and an answer read so is cached only if its room did not change meanwhile.
import type { Codec } from '../protocol/codec.js';
import type { HistorySince, HistoryStore } from '../store/history.js';
import { encodeHistoryAnswer, type EncodedAnswer } from './history-answer.js';
import { replyNow, replyWhenRead } from './history-reply.js';
import type { HubLogger } from './link.js';
import type { Session } from './session.js';

export interface HistoryAnswerLimits {
  /** Bytes of one answer at most (its frames together). */
  answerBytes: number;
  /** Bytes of cached answers, over all rooms. */
  cacheBytes: number;
}

export const DEFAULT_HISTORY_ANSWER_LIMITS: HistoryAnswerLimits = {
  answerBytes: 256 * 1024,
  cacheBytes: 8 * 1024 * 1024,
};

interface Entry {
  room: string;
  answer: EncodedAnswer;
}

/** Reads in flight for a room: whether a message arrived meanwhile (then their answers are stale). */
interface InFlight {
  count: number;
  stale: boolean;
}

export class HistoryAnswers {
  /** key → entry, least recently used first. */
  private readonly entries = new Map<string, Entry>();
  /** room → its entries' keys. */
  private readonly byRoom = new Map<string, Set<string>>();
  private readonly inFlight = new Map<string, InFlight>();
  private bytes = 0;
  /** Answers encoded (cache misses), for tests and introspection. */
  encodes = 0;

  constructor(
    private readonly store: HistoryStore,
    private readonly limits: HistoryAnswerLimits,
    private readonly logger: HubLogger,
  ) {}

  /** The room's last `limit` messages, from the cache when they did not change. */
  history(session: Session, codec: Codec, room: string, limit: number): void {
    const key = `${codec.dialect}\n${limit}\n${room}`;
    const cached = this.lookup(key);
    if (cached) return replyNow(session, cached);
    const sync = this.store.sync;
    if (sync) {
      const answer = this.encode(codec, room, sync.recentNow(room, limit), true);
      this.put(key, room, answer);
      return replyNow(session, answer);
    }
    const flight = this.startRead(room);
    const answer = this.store.recent(room, limit).then((messages) => {
      const encoded = this.encode(codec, room, messages, true);
      if (!flight.stale) this.put(key, room, encoded);
      return encoded;
    });
    void answer.finally(() => this.endRead(room, flight)).catch(() => {});
    replyWhenRead(session, answer, this.logger);
  }

  /**
   * What the client missed after message `after` (a resume). An answer that is complete is
   * specific to that id; a "too old" one is the room's recent history, the same for everyone
   * resuming there, so it is cached like a history answer.
   */
  resume(session: Session, codec: Codec, room: string, after: string): void {
    const sync = this.store.sync;
    if (sync) return replyNow(session, this.resumeAnswer(codec, room, sync.sinceNow(room, after)));
    const flight = this.startRead(room);
    const answer = this.store
      .since(room, after)
      .then((result) => this.resumeAnswer(codec, room, result, flight));
    void answer.finally(() => this.endRead(room, flight)).catch(() => {});
    replyWhenRead(session, answer, this.logger);
  }

  /** The room's history changed (a message) or nobody here needs its answers any more. */
  invalidate(room: string): void {
    const flight = this.inFlight.get(room);
    if (flight) flight.stale = true;
    const keys = this.byRoom.get(room);
    if (!keys) return;
    this.byRoom.delete(room);
    for (const key of keys) this.drop(key);
  }

  /** What is cached, for tests and introspection. */
  get usage(): { entries: number; rooms: number; bytes: number; encodes: number } {
    return { entries: this.entries.size, rooms: this.byRoom.size, bytes: this.bytes, encodes: this.encodes };
  }

  private resumeAnswer(codec: Codec, room: string, since: HistorySince, flight?: InFlight): EncodedAnswer {
    if (since.complete) return this.encode(codec, room, since.messages, true);
    const key = `${codec.dialect}\nresume\n${room}`;
    const cached = this.lookup(key);
    if (cached) return cached;
    const answer = this.encode(codec, room, since.messages, false);
    if (!flight?.stale) this.put(key, room, answer);
    return answer;
  }

  /** A cached answer, now the most recently used. */
  private lookup(key: string): EncodedAnswer | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.answer;
  }

  private encode(codec: Codec, room: string, messages: Parameters<Codec['history']>[1], complete: boolean) {
    this.encodes++;
    return encodeHistoryAnswer(codec, room, messages, complete, this.limits.answerBytes);
  }

  private put(key: string, room: string, answer: EncodedAnswer): void {
    const cost = entryCost(key, answer);
    if (cost > this.limits.cacheBytes) return;
    this.drop(key);
    this.entries.set(key, { room, answer });
    let keys = this.byRoom.get(room);
    if (!keys) this.byRoom.set(room, (keys = new Set()));
    keys.add(key);
    this.bytes += cost;
    for (const [oldest] of this.entries) {
      if (this.bytes <= this.limits.cacheBytes) break;
      this.drop(oldest);
    }
  }

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entryCost(key, entry.answer);
    const keys = this.byRoom.get(entry.room);
    keys?.delete(key);
    if (keys?.size === 0) this.byRoom.delete(entry.room);
  }

  private startRead(room: string): InFlight {
    let flight = this.inFlight.get(room);
    if (!flight) this.inFlight.set(room, (flight = { count: 0, stale: false }));
    flight.count++;
    return flight;
  }

  private endRead(room: string, flight: InFlight): void {
    if (--flight.count === 0 && this.inFlight.get(room) === flight) this.inFlight.delete(room);
  }
}

/** An entry's bytes: its frames, its key, and the ids kept for the held-frame check. */
const entryCost = (key: string, answer: EncodedAnswer): number =>
  answer.bytes + 2 * key.length + 64 * answer.ids.size;
