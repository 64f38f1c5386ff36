// Presence for many nodes on one Redis. The hub asks presence synchronously (who is in this room,
// where is user X), so every node keeps a mirror of the whole cluster's presence in memory and Redis
// keeps the shared truth:
//   <prefix>presence          hash: user id → {user, room, node, order}
//   <prefix>alive:<node>      a key each node refreshes with a TTL while it lives
//   <prefix>presence (channel) every add/remove, so the other mirrors follow at once
// Presence changes travel on the same connection as the node's room events (see redis-bus.ts), so
// no node hears of a join before it knows the user. Room lists are ordered by (join time, id),
// which every node computes the same way. A node that stops refreshing (kill -9, partition) is
// declared gone by each other node on its own once its key has been missing for a grace period,
// and each tells its local users about the departures; a node back from an outage re-registers
// its users and announces the changes it could not publish, and reads what it missed.
import type { RedisBus } from '../broker/redis-bus.js';
import type { JoinEvent, LeaveEvent, UserRef } from '../protocol/events.js';
import type { Presence, PresenceEntry } from './presence.js';

interface Stored extends PresenceEntry {
  order: number;
}

interface RoomList {
  users: Map<number, Stored>;
  last: Stored | undefined;
  sorted: boolean;
}

export interface PresenceTiming {
  /** Life of a node's alive key without a refresh (ms). */
  ttlMs: number;
  refreshMs: number;
  /** How often the other nodes' keys are checked (ms). */
  checkMs: number;
  /** How long a key must stay missing before its node counts as gone (covers Redis restarts). */
  graceMs: number;
}

/** A node killed with -9 is noticed within ttl + grace + check ≈ 11 s. */
export const DEFAULT_TIMING: PresenceTiming = { ttlMs: 5000, refreshMs: 1500, checkMs: 1000, graceMs: 5000 };

/** Events the hub did not broadcast itself (a node died, an outage): for local delivery only. */
export type DiscoveredEvent = (event: JoinEvent | LeaveEvent) => void;

interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

const before = (a: Stored, b: Stored) => a.order - b.order || a.user.id - b.user.id;

export class RedisPresence implements Presence {
  private readonly byId = new Map<number, Stored>();
  private readonly rooms = new Map<string, RoomList>();
  /** Users per remote node, to know which alive keys to check. */
  private readonly perNode = new Map<string, number>();
  private readonly missingSince = new Map<string, number>();
  /** Local departures Redis did not hear about (it was down): announced on return. */
  private readonly unannounced = new Set<number>();
  /** Session token hash → user id, for resumes landing on any node. */
  private readonly idByResume = new Map<string, number>();
  private readonly hashKey: string;
  private readonly channel: string;
  private readonly timers: NodeJS.Timeout[];
  private lastOrder = 0;
  private closed = false;

  constructor(
    private readonly bus: RedisBus,
    readonly nodeId: string,
    private readonly discovered: DiscoveredEvent,
    private readonly logger: Logger,
    private readonly timing: PresenceTiming = DEFAULT_TIMING,
    private readonly now: () => number = Date.now,
  ) {
    this.hashKey = `${bus.prefix}presence`;
    this.channel = `${bus.prefix}presence`;
    bus.subscribe(this.channel);
    bus.onMessage((channel, message) => {
      if (channel === this.channel) this.receive(message);
    });
    bus.onConnected(() => void this.resync());
    this.timers = [
      setInterval(() => void this.refresh(), timing.refreshMs),
      setInterval(() => void this.reap(), timing.checkMs),
    ];
    for (const t of this.timers) t.unref();
  }

  add(entry: PresenceEntry): void {
    this.drop(entry.user.id);
    this.lastOrder = Math.max(this.now(), this.lastOrder + 1);
    const stored: Stored = { user: entry.user, room: entry.room, node: entry.node, order: this.lastOrder };
    if (entry.resume !== undefined) stored.resume = entry.resume;
    this.insert(stored);
    if (stored.node !== this.nodeId || !this.bus.connected) return;
    this.unannounced.delete(stored.user.id);
    const json = JSON.stringify(stored);
    this.bus.cmd
      .pipeline()
      .hset(this.hashKey, String(stored.user.id), json)
      .publish(this.channel, `${this.nodeId}\nA${json}`)
      .exec()
      .catch(() => {});
  }

  remove(id: number): PresenceEntry | undefined {
    const stored = this.drop(id);
    if (!stored) return undefined;
    if (stored.node === this.nodeId) {
      if (!this.bus.connected) this.unannounced.add(id);
      else
        this.bus.cmd
          .pipeline()
          .hdel(this.hashKey, String(id))
          .publish(this.channel, `${this.nodeId}\nR${id}`)
          .exec()
          .then((results) => {
            if (results?.some(([err]) => err)) this.unannounced.add(id);
          })
          .catch(() => this.unannounced.add(id));
    }
    return { user: stored.user, room: stored.room, node: stored.node, resume: stored.resume };
  }

  get(id: number): PresenceEntry | undefined {
    return this.byId.get(id);
  }

  findResumable(resume: string): PresenceEntry | undefined {
    const id = this.idByResume.get(resume);
    return id === undefined ? undefined : this.byId.get(id);
  }

  members(room: string): UserRef[] {
    const list = this.rooms.get(room);
    if (!list) return [];
    if (!list.sorted) {
      const users = [...list.users.values()].sort(before);
      list.users = new Map(users.map((s) => [s.user.id, s]));
      list.last = users.at(-1);
      list.sorted = true;
    }
    return [...list.users.values()].map((s) => s.user);
  }

  /** Users per room (the largest first, at most `limit` rooms), for the metrics. */
  roomSizes(limit: number): [string, number][] {
    return [...this.rooms]
      .map(([room, list]): [string, number] => [room, list.users.size])
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    if (this.bus.connected) await this.bus.cmd.del(`${this.bus.prefix}alive:${this.nodeId}`).catch(() => {});
  }

  private insert(stored: Stored): void {
    this.byId.set(stored.user.id, stored);
    if (typeof stored.resume === 'string') this.idByResume.set(stored.resume, stored.user.id);
    let list = this.rooms.get(stored.room);
    if (!list) this.rooms.set(stored.room, (list = { users: new Map(), last: undefined, sorted: true }));
    list.users.set(stored.user.id, stored);
    if (list.last && before(stored, list.last) < 0) list.sorted = false;
    else list.last = stored;
    if (stored.node !== this.nodeId) this.perNode.set(stored.node, (this.perNode.get(stored.node) ?? 0) + 1);
  }

  /** Removes from the mirror only. */
  private drop(id: number): Stored | undefined {
    const stored = this.byId.get(id);
    if (!stored) return undefined;
    this.byId.delete(id);
    if (stored.resume !== undefined && this.idByResume.get(stored.resume) === id) {
      this.idByResume.delete(stored.resume);
    }
    const list = this.rooms.get(stored.room)!;
    list.users.delete(id);
    if (list.users.size === 0) this.rooms.delete(stored.room);
    else if (list.last === stored) list.sorted = false;
    if (stored.node !== this.nodeId) {
      const n = this.perNode.get(stored.node)! - 1;
      if (n === 0) this.perNode.delete(stored.node);
      else this.perNode.set(stored.node, n);
    }
    return stored;
  }

  /** `<node>\n<kind><payload>`: A add, R remove (the hub broadcasts those), S/X the same after an outage. */
  private receive(message: string): void {
    const cut = message.indexOf('\n');
    const node = message.slice(0, cut);
    if (cut < 0 || node === this.nodeId) return;
    const kind = message[cut + 1];
    const payload = message.slice(cut + 2);
    try {
      if (kind === 'A' || kind === 'S') {
        for (const stored of (kind === 'S' ? JSON.parse(payload) : [JSON.parse(payload)]) as Stored[]) {
          this.learn(stored, kind === 'S');
        }
      } else if (kind === 'R' || kind === 'X') {
        for (const id of (kind === 'X' ? JSON.parse(payload) : [Number(payload)]) as number[]) {
          if (this.byId.get(id)?.node !== node) continue;
          const gone = this.drop(id)!;
          if (kind === 'X') this.announceLeave(gone);
        }
      }
    } catch {
      // Not from a wirechat node: ignored.
    }
  }

  /** A remote user; `announce`: the hub never broadcast this join here (it happened during an outage). */
  private learn(stored: Stored, announce: boolean): void {
    if (stored.node === this.nodeId || typeof stored.user?.id !== 'number') return;
    const known = this.byId.get(stored.user.id);
    if (known && known.room === stored.room && known.node === stored.node) return;
    if (known) {
      this.drop(known.user.id);
      if (announce) this.announceLeave(known);
    }
    this.insert(stored);
    if (announce) this.discovered({ type: 'join', room: stored.room, user: stored.user, ts: this.now() });
  }

  private announceLeave(gone: Stored): void {
    this.discovered({ type: 'leave', room: gone.room, user: gone.user, ts: this.now(), reason: 'close' });
  }

  private async refresh(): Promise<void> {
    if (!this.bus.connected || this.closed) return;
    await this.bus.cmd
      .set(`${this.bus.prefix}alive:${this.nodeId}`, '1', 'PX', this.timing.ttlMs)
      .catch(() => {});
  }

  /** After (re)connecting: say we live, re-register our users, announce what Redis missed, read the rest. */
  private async resync(): Promise<void> {
    this.missingSince.clear();
    try {
      await this.refresh();
      const mine = [...this.byId.values()].filter((s) => s.node === this.nodeId);
      for (let i = 0; i < mine.length; i += 500) {
        const chunk = mine.slice(i, i + 500);
        const pipe = this.bus.cmd.pipeline();
        for (const s of chunk) pipe.hset(this.hashKey, String(s.user.id), JSON.stringify(s));
        pipe.publish(this.channel, `${this.nodeId}\nS${JSON.stringify(chunk)}`);
        await pipe.exec();
      }
      const all = await this.bus.cmd.hgetall(this.hashKey);
      const stale: number[] = [...this.unannounced];
      for (const [key, json] of Object.entries(all)) {
        const stored = JSON.parse(json) as Stored;
        if (stored.node === this.nodeId) {
          if (!this.byId.has(stored.user.id)) stale.push(Number(key));
        } else {
          this.learn(stored, true);
        }
      }
      if (stale.length > 0) {
        await this.bus.cmd
          .pipeline()
          .hdel(this.hashKey, ...stale.map(String))
          .publish(this.channel, `${this.nodeId}\nX${JSON.stringify(stale)}`)
          .exec();
      }
      this.unannounced.clear();
      this.logger.info({ users: mine.length, known: this.byId.size }, 'presence registered in redis');
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'presence resync failed; retried on reconnect');
    }
  }

  /** Nodes whose alive key stayed missing for the grace period are gone: their users log out. */
  private async reap(): Promise<void> {
    if (!this.bus.connected || this.closed || this.perNode.size === 0) return;
    const nodes = [...this.perNode.keys()];
    let results: [Error | null, unknown][] | null;
    try {
      const pipe = this.bus.cmd.pipeline();
      for (const node of nodes) pipe.exists(`${this.bus.prefix}alive:${node}`);
      results = await pipe.exec();
    } catch {
      return;
    }
    const now = this.now();
    nodes.forEach((node, i) => {
      const [err, exists] = results?.[i] ?? [null, 1];
      if (err) return;
      if (exists === 1) return void this.missingSince.delete(node);
      const since = this.missingSince.get(node) ?? now;
      this.missingSince.set(node, since);
      if (now - since >= this.timing.graceMs) this.reapNode(node);
    });
  }

  private reapNode(node: string): void {
    this.missingSince.delete(node);
    const gone = [...this.byId.values()].filter((s) => s.node === node);
    for (const stored of gone) {
      this.drop(stored.user.id);
      this.announceLeave(stored);
    }
    this.logger.warn({ node, users: gone.length }, 'node gone (no refresh): its users logged out');
    if (gone.length > 0)
      this.bus.cmd.hdel(this.hashKey, ...gone.map((s) => String(s.user.id))).catch(() => {});
  }
}
