// Presence in this process's memory: Maps keep insertion order, which is the join order we need.
// With --workers every worker holds the whole cluster's presence (and the primary a copy), so at
// 100,000 users on 6 workers every byte of an entry counts seven times. An entry is therefore two
// Map slots and the name: id → name in its room's Map, and id → the user's place, an object
// shared by every user of one room on one node (no object per user, one copy of each room and
// node string however many users they hold).
import type { UserRef } from '../protocol/events.js';
import type { Presence, PresenceEntry } from './presence.js';

/** One room on one node. */
interface Place {
  readonly key: string;
  readonly room: string;
  readonly node: string;
  users: number;
}

export class MemoryPresence implements Presence {
  private readonly byId = new Map<number, Place>();
  /** Per room: id → name, in join order. */
  private readonly rooms = new Map<string, Map<number, string>>();
  private readonly places = new Map<string, Place>();
  /** Session token hashes, both ways; only users of the dialect that has tokens are in them. */
  private readonly resumeById = new Map<number, string>();
  private readonly idByResume = new Map<string, number>();

  add(entry: PresenceEntry): void {
    const id = entry.user.id;
    const known = this.byId.get(id);
    if (known && known.room === entry.room && known.node === entry.node) {
      // The same user back in the same place (a session resumed): keeps their place in the list.
      this.rooms.get(entry.room)!.set(id, entry.user.name);
      this.setResume(id, entry.resume);
      return;
    }
    this.remove(id);
    let names = this.rooms.get(entry.room);
    if (!names) this.rooms.set(entry.room, (names = new Map()));
    const key = `${entry.node}\n${entry.room}`;
    let place = this.places.get(key);
    if (!place) this.places.set(key, (place = { key, room: entry.room, node: entry.node, users: 0 }));
    place.users++;
    this.byId.set(id, place);
    names.set(id, entry.user.name);
    this.setResume(id, entry.resume);
  }

  private setResume(id: number, resume: string | undefined): void {
    const old = this.resumeById.get(id);
    if (old === resume) return;
    if (old !== undefined) {
      this.resumeById.delete(id);
      this.idByResume.delete(old);
    }
    if (resume !== undefined) {
      this.resumeById.set(id, resume);
      this.idByResume.set(resume, id);
    }
  }

  remove(id: number): PresenceEntry | undefined {
    const place = this.byId.get(id);
    if (!place) return undefined;
    this.byId.delete(id);
    const names = this.rooms.get(place.room)!;
    const name = names.get(id)!;
    names.delete(id);
    if (names.size === 0) this.rooms.delete(place.room);
    if (--place.users === 0) this.places.delete(place.key);
    const resume = this.resumeById.get(id);
    if (resume === undefined) return { user: { id, name }, room: place.room, node: place.node };
    this.resumeById.delete(id);
    this.idByResume.delete(resume);
    return { user: { id, name }, room: place.room, node: place.node, resume };
  }

  get(id: number): PresenceEntry | undefined {
    const place = this.byId.get(id);
    if (!place) return undefined;
    return this.entry(id, place);
  }

  findResumable(resume: string): PresenceEntry | undefined {
    const id = this.idByResume.get(resume);
    return id === undefined ? undefined : this.get(id);
  }

  private entry(id: number, place: Place): PresenceEntry {
    const user = { id, name: this.rooms.get(place.room)!.get(id)! };
    const resume = this.resumeById.get(id);
    return resume === undefined
      ? { user, room: place.room, node: place.node }
      : { user, room: place.room, node: place.node, resume };
  }

  /** The room's users in join order. */
  members(room: string): UserRef[] {
    const list: UserRef[] = [];
    for (const [id, name] of this.rooms.get(room) ?? []) list.push({ id, name });
    return list;
  }

  get size(): number {
    return this.byId.size;
  }

  /** Whether anybody is in the room. */
  occupied(room: string): boolean {
    return this.rooms.has(room);
  }

  /** What is kept, for tests and introspection: users, rooms and places (room × node). */
  get usage(): { users: number; rooms: number; places: number } {
    return { users: this.byId.size, rooms: this.rooms.size, places: this.places.size };
  }

  /** Every entry, in no particular order (fresh objects: for snapshots, not for hot paths). */
  *entries(): IterableIterator<PresenceEntry> {
    for (const [id, place] of this.byId) yield this.entry(id, place);
  }

  /** Users per room (the largest first, at most `limit` rooms), for the metrics. */
  roomSizes(limit: number): [string, number][] {
    return [...this.rooms]
      .map(([room, users]): [string, number] => [room, users.size])
      .sort((a, b) => b[1] - a[1])
      .slice(0, limit);
  }
}
