// Who is online in which room. One implementation per deployment: memory for one process (or
// several hubs in one process sharing it), Redis later for many nodes. Lists keep join order
// (the protocol shows the room's users in the order they arrived, newcomer last).
import type { UserRef } from '../protocol/events.js';

export interface PresenceEntry {
  user: UserRef;
  room: string;
  /** The node whose hub holds the user's connection: where private messages are routed. */
  node: string;
  /**
   * A hash of the user's session token (wirechat's dialect only): whoever presents the token may
   * take this identity over, on any node, while the entry lives (connected or held in grace).
   */
  resume?: string;
}

export interface Presence {
  /** Adds or replaces the user's entry (a user is in exactly one room). */
  add(entry: PresenceEntry): void;
  /** Removes the user; returns the entry that was removed, if any. */
  remove(id: number): PresenceEntry | undefined;
  get(id: number): PresenceEntry | undefined;
  /** The room's users in join order. */
  members(room: string): UserRef[];
  /** The entry whose session token hashes to `resume`, if it is still present. */
  findResumable(resume: string): PresenceEntry | undefined;
}
