// Presence for cluster workers: every worker keeps the whole cluster's presence in memory (the
// Presence interface is synchronous: a login's user list is read at once), changes its copy at
// once for its own users and tells the others through the primary. Other workers' changes arrive
// in their order, before the events that depend on them (see messages.ts).
import { MemoryPresence } from '../store/memory-presence.js';
import type { UserRef } from '../protocol/events.js';
import type { Presence, PresenceEntry } from '../store/presence.js';
import type { WorkerBus } from './worker-bus.js';

export class ReplicatedPresence implements Presence {
  /** Compact: one small object per user, shared room and node strings (see MemoryPresence). */
  private readonly copy = new MemoryPresence();

  constructor(private readonly bus: WorkerBus) {
    bus.attach({
      add: (entry) => this.copy.add(entry),
      remove: (id) => void this.copy.remove(id),
      snapshot: (entries) => {
        for (const entry of entries) this.copy.add(entry);
      },
    });
  }

  add(entry: PresenceEntry): void {
    this.copy.add(entry);
    this.bus.post({ op: 'add', entry });
  }

  remove(id: number): PresenceEntry | undefined {
    const removed = this.copy.remove(id);
    if (removed) this.bus.post({ op: 'rm', id });
    return removed;
  }

  get(id: number): PresenceEntry | undefined {
    return this.copy.get(id);
  }

  members(room: string): UserRef[] {
    return this.copy.members(room);
  }

  findResumable(resume: string): PresenceEntry | undefined {
    return this.copy.findResumable(resume);
  }

  /** Users per room over the whole cluster (largest first, at most `limit` rooms), for /metrics. */
  roomSizes(limit: number): [string, number][] {
    return this.copy.roomSizes(limit);
  }
}
