// History in SQLite (`--data DIR`): the last `perRoom` public messages of each room survive a
// restart. better-sqlite3 is synchronous and each write is a small WAL append, so the hub's
// synchronous calls stay simple. Clients inventing rooms cannot grow the file without bound: a
// total row cap, a cap on rooms (least recently used go first) and an expiry for rooms nobody
// used for a while (their rows are deleted). A room's last use is kept in a table of its own.
import Database from 'better-sqlite3';
import type { MessageEvent } from '../protocol/events.js';
import type { HistorySince, HistoryStore, RoomUse, SyncHistoryReads } from './history.js';
import { MessageIds } from './message-ids.js';
import { DEFAULT_ROOM_LOG_LIMITS } from './room-logs.js';

type Row = { body: string };

export interface SqliteHistoryLimits {
  perRoom: number;
  /** Rows kept in all rooms together; the oldest go first. */
  maxRows: number;
  /** Rooms kept; past it the least recently used go. */
  maxRooms: number;
  /** A room unused this long (and not occupied) is deleted; 0: never. */
  expiryMs: number;
}

/** Bounds are checked every this many writes (a hostile burst overshoots by at most this). */
const CHECK_EVERY = 1000;
/** Expired rooms deleted per sweep, so a sweep stays short; the next one does the rest. */
const EXPIRE_BATCH = 1000;

export class SqliteHistory implements HistoryStore, SyncHistoryReads {
  readonly sync: SyncHistoryReads = this;
  private readonly db: Database.Database;
  private readonly ids: MessageIds;
  private readonly limits: SqliteHistoryLimits;
  private readonly insert: Database.Statement<[string, string, string]>;
  private readonly trim: Database.Statement<[string, string, number]>;
  private readonly newest: Database.Statement<[string, number], Row>;
  private readonly find: Database.Statement<[string, string], { seq: number }>;
  private readonly after: Database.Statement<[string, number, number], Row>;
  private readonly use: Database.Statement<[string, number]>;
  private readonly newRoom: Database.Statement<[string, number]>;
  private readonly leastUsed: Database.Statement<[], { room: string }>;
  /** Rooms in the rooms table, counted here so a new room is checked against the cap at once. */
  private rooms: number;
  private readonly unused: Database.Statement<[number, number], { room: string }>;
  private readonly dropRoom: Database.Transaction<(room: string) => void>;
  private writes = 0;

  constructor(
    file: string,
    limits: Partial<SqliteHistoryLimits> = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = {
      perRoom: DEFAULT_ROOM_LOG_LIMITS.perRoom,
      maxRows: 1_000_000,
      maxRooms: DEFAULT_ROOM_LOG_LIMITS.maxRooms,
      expiryMs: DEFAULT_ROOM_LOG_LIMITS.expiryMs,
      ...limits,
    };
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = NORMAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS messages (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        room TEXT NOT NULL,
        id TEXT NOT NULL,
        body TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS messages_room_seq ON messages (room, seq);
      CREATE INDEX IF NOT EXISTS messages_room_id ON messages (room, id);
      CREATE TABLE IF NOT EXISTS rooms (room TEXT PRIMARY KEY, used INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS rooms_used ON rooms (used);
    `);
    // Rooms written by a version that kept no table of rooms count as used now.
    this.db
      .prepare('INSERT OR IGNORE INTO rooms (room, used) SELECT DISTINCT room, ? FROM messages')
      .run(now());
    this.insert = this.db.prepare('INSERT INTO messages (room, id, body) VALUES (?, ?, ?)');
    this.trim = this.db.prepare(
      `DELETE FROM messages WHERE room = ? AND seq <= (
         SELECT seq FROM messages WHERE room = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
    );
    this.newest = this.db.prepare('SELECT body FROM messages WHERE room = ? ORDER BY seq DESC LIMIT ?');
    this.find = this.db.prepare('SELECT seq FROM messages WHERE room = ? AND id = ?');
    this.after = this.db.prepare('SELECT body FROM messages WHERE room = ? AND seq > ? ORDER BY seq LIMIT ?');
    this.use = this.db.prepare(
      'INSERT INTO rooms (room, used) VALUES (?, ?) ON CONFLICT (room) DO UPDATE SET used = excluded.used',
    );
    this.newRoom = this.db.prepare('INSERT OR IGNORE INTO rooms (room, used) VALUES (?, ?)');
    this.leastUsed = this.db.prepare('SELECT room FROM rooms ORDER BY used LIMIT 1');
    this.rooms = (this.db.prepare('SELECT count(*) AS n FROM rooms').get() as { n: number }).n;
    this.unused = this.db.prepare('SELECT room FROM rooms WHERE used <= ? ORDER BY used LIMIT ?');
    const deleteMessages = this.db.prepare('DELETE FROM messages WHERE room = ?');
    const deleteRoom = this.db.prepare('DELETE FROM rooms WHERE room = ?');
    this.dropRoom = this.db.transaction((room: string) => {
      deleteMessages.run(room);
      this.rooms -= deleteRoom.run(room).changes;
    });
    this.ids = new MessageIds(now);
    const last = this.db.prepare('SELECT id FROM messages ORDER BY seq DESC LIMIT 1').get() as
      { id: string } | undefined;
    this.ids.resumeAfter(last?.id);
  }

  append(message: Omit<MessageEvent, 'id'>, keep: boolean): MessageEvent {
    const event: MessageEvent = { ...message, id: this.ids.next() };
    if (!keep || this.limits.perRoom === 0) return event;
    const now = this.now();
    if (this.newRoom.run(event.room, now).changes > 0) {
      this.rooms++;
      while (this.rooms > this.limits.maxRooms) this.dropRoom(this.leastUsed.get()!.room);
    } else this.use.run(event.room, now);
    this.insert.run(event.room, event.id, JSON.stringify(event));
    this.trim.run(event.room, event.room, this.limits.perRoom);
    if (++this.writes % CHECK_EVERY === 0) this.capRows();
    return event;
  }

  recentNow(room: string, limit: number): MessageEvent[] {
    return this.newest
      .all(room, Math.min(limit, this.limits.perRoom))
      .reverse()
      .map((r) => JSON.parse(r.body) as MessageEvent);
  }

  sinceNow(room: string, after: string): HistorySince {
    const found = this.find.get(room, after);
    if (!found) return { messages: this.recentNow(room, this.limits.perRoom), complete: false };
    const messages = this.after
      .all(room, found.seq, this.limits.perRoom)
      .map((r) => JSON.parse(r.body) as MessageEvent);
    return { messages, complete: true };
  }

  recent(room: string, limit: number): Promise<MessageEvent[]> {
    return Promise.resolve(this.recentNow(room, limit));
  }

  since(room: string, after: string): Promise<HistorySince> {
    return Promise.resolve(this.sinceNow(room, after));
  }

  /** Deletes the rows of rooms unused for the expiry that nobody is in; occupied ones count as used. */
  expire(use: RoomUse): void {
    if (this.limits.expiryMs <= 0) return;
    const now = this.now();
    for (const { room } of this.unused.all(now - this.limits.expiryMs, EXPIRE_BATCH)) {
      if (use.occupied(room)) this.use.run(room, now);
      else this.dropRoom(room);
    }
  }

  /** Rooms and rows kept, for tests and introspection. */
  get usage(): { rooms: number; rows: number } {
    const count = (table: string) =>
      (this.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    return { rooms: count('rooms'), rows: count('messages') };
  }

  close(): void {
    this.db.close();
  }

  private capRows(): void {
    const { n } = this.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number };
    if (n <= this.limits.maxRows) return;
    this.db
      .prepare(
        'DELETE FROM messages WHERE seq <= (SELECT seq FROM messages ORDER BY seq DESC LIMIT 1 OFFSET ?)',
      )
      .run(this.limits.maxRows);
    this.rooms -= this.db
      .prepare('DELETE FROM rooms WHERE room NOT IN (SELECT DISTINCT room FROM messages)')
      .run().changes;
  }
}
