// Presence in this process's memory: Maps keep insertion order, which is the join order we need.
import type { UserRef } from '../protocol/events.js';
import type { Presence, PresenceEntry } from './presence.js';

export class MemoryPresence implements Presence {
  private readonly byId = new Map<number, PresenceEntry>();
  private readonly rooms = new Map<string, Map<number, UserRef>>();

  add(entry: PresenceEntry): void {
    this.remove(entry.user.id);
    this.byId.set(entry.user.id, entry);
    let room = this.rooms.get(entry.room);
    if (!room) this.rooms.set(entry.room, (room = new Map()));
    room.set(entry.user.id, entry.user);
  }

  remove(id: number): PresenceEntry | undefined {
    const entry = this.byId.get(id);
    if (!entry) return undefined;
    this.byId.delete(id);
    const room = this.rooms.get(entry.room);
    room?.delete(id);
    if (room && room.size === 0) this.rooms.delete(entry.room);
    return entry;
  }

  get(id: number): PresenceEntry | undefined {
    return this.byId.get(id);
  }

  members(room: string): UserRef[] {
    return [...(this.rooms.get(room)?.values() ?? [])];
  }

  /** Users per room (the largest first, at most `limit` rooms), for the metrics. */
  roomSizes(limit: number): [string, number][] {
    return [...this.rooms]
      .map(([room, users]): [string, number] => [room, users.size])
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit);
  }
}
