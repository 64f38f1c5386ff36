// History in Redis streams (one per room, `<prefix>history:<room>`, capped at `perRoom` entries and
// expiring a week after its last message so invented rooms do not stay for ever). Each entry
// holds the message with its wirechat id. The stream's own order is the room's order across
// nodes, so resume finds the client's last id in the stream and returns what follows; an id no
// longer there is "too old": the recent history, complete=false. A node writes a message to the
// stream before publishing it, on the same connection, so whatever a client saw live is already
// stored. Reads are asynchronous: the hub holds live frames for that client until the answer
// (see hub/history-reply.ts). While Redis is down nothing is stored and reads answer "nothing".
import type { RedisBus } from '../broker/redis-bus.js';
import type { MessageEvent } from '../protocol/events.js';
import type { HistoryStore } from './history.js';
import { MessageIds } from './message-ids.js';

const KEEP_ROOM_MS = 7 * 24 * 3600 * 1000;

export class RedisHistory implements HistoryStore {
  private readonly ids: MessageIds;

  constructor(
    private readonly bus: RedisBus,
    private readonly perRoom = 100,
    now: () => number = Date.now,
    tag = Math.floor(Math.random() * 1000),
  ) {
    this.ids = new MessageIds(now, tag);
  }

  append(message: Omit<MessageEvent, 'id'>, keep: boolean): MessageEvent {
    const event: MessageEvent = { ...message, id: this.ids.next() };
    if (!keep || this.perRoom === 0 || !this.bus.connected) return event;
    const key = this.key(event.room);
    this.bus.cmd
      .pipeline()
      .xadd(key, 'MAXLEN', String(this.perRoom), '*', 'm', JSON.stringify(event))
      .pexpire(key, KEEP_ROOM_MS)
      .exec()
      .catch(() => {});
    return event;
  }

  async recent(room: string, limit: number): Promise<MessageEvent[]> {
    return this.read(room, Math.min(limit, this.perRoom));
  }

  async since(room: string, after: string): Promise<{ messages: MessageEvent[]; complete: boolean }> {
    const messages = await this.read(room, this.perRoom);
    const at = messages.findIndex((m) => m.id === after);
    return at < 0 ? { messages, complete: false } : { messages: messages.slice(at + 1), complete: true };
  }

  private key(room: string): string {
    return `${this.bus.prefix}history:${room}`;
  }

  /** The newest `count` messages, oldest first; nothing when Redis cannot answer. */
  private async read(room: string, count: number): Promise<MessageEvent[]> {
    if (count <= 0 || !this.bus.connected) return [];
    try {
      const entries = await this.bus.cmd.xrevrange(this.key(room), '+', '-', 'COUNT', count);
      const messages: MessageEvent[] = [];
      for (let i = entries.length - 1; i >= 0; i--) {
        const fields = entries[i]![1];
        const at = fields.indexOf('m');
        if (at >= 0 && at % 2 === 0) messages.push(JSON.parse(fields[at + 1]!) as MessageEvent);
      }
      return messages;
    } catch {
      return [];
    }
  }
}
