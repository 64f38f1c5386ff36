// Presence in this process's memory: Sets keep insertion order, which is the join order we need.
// With --workers every worker holds the whole cluster's presence, so an entry is one small
// object (no separate entry and user objects) and room and node names are shared strings rather
// than one copy per user (entries from IPC each bring their own): at 100,000 users on 6 workers
// every byte here counts six times.
import type { UserRef } from '../protocol/events.js';
import type { Presence, PresenceEntry } from './presence.js';

/** One online user. */
class Member {
  constructor(
    readonly id: number,
    readonly name: string,
    readonly room: string,
    readonly node: string,
  ) {}

  entry(): PresenceEntry {
    return { user: { id: this.id, name: this.name }, room: this.room, node: this.node };
  }
}

export class MemoryPresence implements Presence {
  private readonly byId = new Map<number, Member>();
  private readonly rooms = new Map<string, Set<Member>>();
  /** Node ids seen: one string each, however many users they hold. */
  private readonly nodes = new Map<string, string>();

  add(entry: PresenceEntry): void {
    this.remove(entry.user.id);
    let room = this.rooms.get(entry.room);
    // The room's key is the one string every member shares.
    if (!room) this.rooms.set(entry.room, (room = new Set()));
    const roomName = room.size === 0 ? entry.room : room.values().next().value!.room;
    let node = this.nodes.get(entry.node);
    if (node === undefined) this.nodes.set(entry.node, (node = entry.node));
    const member = new Member(entry.user.id, entry.user.name, roomName, node);
    this.byId.set(member.id, member);
    room.add(member);
  }

  remove(id: number): PresenceEntry | undefined {
    const member = this.byId.get(id);
    if (!member) return undefined;
    this.byId.delete(id);
    const room = this.rooms.get(member.room);
    room?.delete(member);
    if (room && room.size === 0) this.rooms.delete(member.room);
    return member.entry();
  }

  get(id: number): PresenceEntry | undefined {
    return this.byId.get(id)?.entry();
  }

  /** The room's users in join order (fresh objects: the welcome list is built from them once). */
  members(room: string): UserRef[] {
    const list: UserRef[] = [];
    for (const m of this.rooms.get(room) ?? []) list.push({ id: m.id, name: m.name });
    return list;
  }

  get size(): number {
    return this.byId.size;
  }

  /** Every entry, in no particular order (fresh objects: for snapshots, not for hot paths). */
  *entries(): IterableIterator<PresenceEntry> {
    for (const member of this.byId.values()) yield member.entry();
  }

  /** Users per room (the largest first, at most `limit` rooms), for the metrics. */
  roomSizes(limit: number): [string, number][] {
    return [...this.rooms]
      .map(([room, users]): [string, number] => [room, users.size])
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit);
  }
}
