// History in Redis streams (one per room, `<prefix>history:<room>`, capped at `perRoom` entries).
// Each entry holds the message with its wirechat id. The stream's own order is the room's order
// across nodes, so resume finds the client's last id in the stream and returns what follows; an id
// no longer there is "too old": the recent history, complete=false. A node writes a message to the
// stream before publishing it, on the same connection, so whatever a client saw live is already
// stored. Reads are asynchronous: the hub holds live frames for that client until the answer
// (see hub/history-reply.ts). While Redis is down nothing is stored and reads answer "nothing".
//
// Invented rooms do not stay: a stream expires `expiryMs` after its last use (EXPIRE, refreshed on
// every write and read, and now and then for every room this node's users are in), and a sorted
// set of rooms by last use (`<prefix>history-rooms`) lets any node delete the least recently used
// streams past `maxRooms`.
import type { RedisBus } from '../broker/redis-bus.js';
import type { MessageEvent } from '../protocol/events.js';
import type { HistoryStore, RoomUse } from './history.js';
import { MessageIds } from './message-ids.js';
import { DEFAULT_ROOM_LOG_LIMITS } from './room-logs.js';

export interface RedisHistoryLimits {
  perRoom: number;
  maxRooms: number;
  /** 0: streams never expire. */
  expiryMs: number;
}

export class RedisHistory implements HistoryStore {
  private readonly ids: MessageIds;
  private readonly limits: RedisHistoryLimits;

  constructor(
    private readonly bus: RedisBus,
    limits: Partial<RedisHistoryLimits> = {},
    private readonly now: () => number = Date.now,
    tag = Math.floor(Math.random() * 1000),
  ) {
    const { perRoom, maxRooms, expiryMs } = DEFAULT_ROOM_LOG_LIMITS;
    this.limits = { perRoom, maxRooms, expiryMs, ...limits };
    this.ids = new MessageIds(now, tag);
  }

  append(message: Omit<MessageEvent, 'id'>, keep: boolean): MessageEvent {
    const event: MessageEvent = { ...message, id: this.ids.next() };
    if (!keep || this.limits.perRoom === 0 || !this.bus.connected) return event;
    const key = this.key(event.room);
    const pipeline = this.bus.cmd
      .pipeline()
      .xadd(key, 'MAXLEN', String(this.limits.perRoom), '*', 'm', JSON.stringify(event));
    this.used(pipeline, event.room);
    pipeline.exec().catch(() => {});
    return event;
  }

  async recent(room: string, limit: number): Promise<MessageEvent[]> {
    return this.read(room, Math.min(limit, this.limits.perRoom));
  }

  async since(room: string, after: string): Promise<{ messages: MessageEvent[]; complete: boolean }> {
    const messages = await this.read(room, this.limits.perRoom);
    const at = messages.findIndex((m) => m.id === after);
    return at < 0 ? { messages, complete: false } : { messages: messages.slice(at + 1), complete: true };
  }

  /**
   * Refreshes the expiry of this node's rooms (occupied rooms keep their history), then deletes
   * the least recently used streams past the room cap. Streams expire by themselves.
   */
  expire(use: RoomUse): void {
    if (!this.bus.connected) return;
    const pipeline = this.bus.cmd.pipeline();
    for (const room of use.local()) this.used(pipeline, room);
    const index = this.index();
    if (this.limits.expiryMs > 0)
      pipeline.zremrangebyscore(index, '-inf', String(this.now() - this.limits.expiryMs));
    pipeline.zcard(index);
    pipeline
      .exec()
      .then((results) => {
        const rooms = Number(results?.at(-1)?.[1] ?? 0);
        if (rooms > this.limits.maxRooms) return this.dropLeastUsed(rooms - this.limits.maxRooms);
      })
      .catch(() => {});
  }

  private async dropLeastUsed(count: number): Promise<void> {
    const index = this.index();
    const rooms = await this.bus.cmd.zrange(index, '0', String(count - 1));
    if (rooms.length === 0) return;
    await this.bus.cmd
      .pipeline()
      .del(...rooms.map((room) => this.key(room)))
      .zrem(index, ...rooms)
      .exec();
  }

  /** Notes a use of the room in `pipeline`: its stream's expiry and its place in the index. */
  private used(pipeline: ReturnType<RedisBus['cmd']['pipeline']>, room: string): void {
    if (this.limits.expiryMs > 0) pipeline.pexpire(this.key(room), this.limits.expiryMs);
    pipeline.zadd(this.index(), String(this.now()), room);
  }

  private key(room: string): string {
    return `${this.bus.prefix}history:${room}`;
  }

  private index(): string {
    return `${this.bus.prefix}history-rooms`;
  }

  /** The newest `count` messages, oldest first; nothing when Redis cannot answer. */
  private async read(room: string, count: number): Promise<MessageEvent[]> {
    if (count <= 0 || !this.bus.connected) return [];
    try {
      const entries = await this.bus.cmd.xrevrange(this.key(room), '+', '-', 'COUNT', count);
      if (entries.length > 0 && this.limits.expiryMs > 0)
        this.bus.cmd.pexpire(this.key(room), this.limits.expiryMs).catch(() => {});
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
