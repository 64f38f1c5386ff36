// History in SQLite (`--data DIR`): the last `perRoom` public messages of each room survive a
// restart. better-sqlite3 is synchronous and each write is a small WAL append, so the hub's
// synchronous calls stay simple. A total row cap bounds the file when clients invent rooms.
import Database from 'better-sqlite3';
import type { MessageEvent } from '../protocol/events.js';
import type { HistoryStore } from './history.js';
import { MessageIds } from './message-ids.js';

type Row = { body: string };

export class SqliteHistory implements HistoryStore {
  private readonly db: Database.Database;
  private readonly ids: MessageIds;
  private readonly insert: Database.Statement<[string, string, string]>;
  private readonly trim: Database.Statement<[string, string, number]>;
  private readonly newest: Database.Statement<[string, number], Row>;
  private readonly find: Database.Statement<[string, string], { seq: number }>;
  private readonly after: Database.Statement<[string, number, number], Row>;
  private writes = 0;

  constructor(
    file: string,
    private readonly perRoom = 100,
    /** Rows kept in all rooms together; the oldest go first. */
    private readonly maxRows = 1_000_000,
    now: () => number = Date.now,
  ) {
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
    `);
    this.insert = this.db.prepare('INSERT INTO messages (room, id, body) VALUES (?, ?, ?)');
    this.trim = this.db.prepare(
      `DELETE FROM messages WHERE room = ? AND seq <= (
         SELECT seq FROM messages WHERE room = ? ORDER BY seq DESC LIMIT 1 OFFSET ?)`,
    );
    this.newest = this.db.prepare('SELECT body FROM messages WHERE room = ? ORDER BY seq DESC LIMIT ?');
    this.find = this.db.prepare('SELECT seq FROM messages WHERE room = ? AND id = ?');
    this.after = this.db.prepare('SELECT body FROM messages WHERE room = ? AND seq > ? ORDER BY seq LIMIT ?');
    this.ids = new MessageIds(now);
    const last = this.db.prepare('SELECT id FROM messages ORDER BY seq DESC LIMIT 1').get() as
      { id: string } | undefined;
    this.ids.resumeAfter(last?.id);
  }

  append(message: Omit<MessageEvent, 'id'>, keep: boolean): MessageEvent {
    const event: MessageEvent = { ...message, id: this.ids.next() };
    if (!keep || this.perRoom === 0) return event;
    this.insert.run(event.room, event.id, JSON.stringify(event));
    this.trim.run(event.room, event.room, this.perRoom);
    if (++this.writes % 1000 === 0) this.capRows();
    return event;
  }

  recent(room: string, limit: number): MessageEvent[] {
    return this.newest
      .all(room, Math.min(limit, this.perRoom))
      .reverse()
      .map((r) => JSON.parse(r.body) as MessageEvent);
  }

  since(room: string, after: string): { messages: MessageEvent[]; complete: boolean } {
    const found = this.find.get(room, after);
    if (!found) return { messages: this.recent(room, this.perRoom), complete: false };
    const messages = this.after
      .all(room, found.seq, this.perRoom)
      .map((r) => JSON.parse(r.body) as MessageEvent);
    return { messages, complete: true };
  }

  close(): void {
    this.db.close();
  }

  private capRows(): void {
    const { n } = this.db.prepare('SELECT count(*) AS n FROM messages').get() as { n: number };
    if (n <= this.maxRows) return;
    this.db
      .prepare(
        'DELETE FROM messages WHERE seq <= (SELECT seq FROM messages ORDER BY seq DESC LIMIT 1 OFFSET ?)',
      )
      .run(this.maxRows);
  }
}
