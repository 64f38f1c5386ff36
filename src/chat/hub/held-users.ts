// Users whose connection dropped but who may come back with their session token: their presence
// entry stays (they are still listed, and still count against every limit a connected user counts
// against), nothing is announced, and after the grace period the hub decides whether a departure
// is due. A held user costs one small record and one timer; both go at expiry or on return.
import type { UserRef } from '../protocol/events.js';

export interface HeldUser {
  user: UserRef;
  room: string;
  resume: string;
  timer: NodeJS.Timeout;
}

/** Default reconnect grace period (ms): long enough for a reload or a short network drop. */
export const DEFAULT_RECONNECT_GRACE_MS = 20_000;

export class HeldUsers {
  private readonly held = new Map<number, HeldUser>();

  constructor(
    private readonly graceMs: number,
    private readonly expired: (held: HeldUser) => void,
  ) {}

  get enabled(): boolean {
    return this.graceMs > 0;
  }

  get size(): number {
    return this.held.size;
  }

  hold(user: UserRef, room: string, resume: string): void {
    this.take(user.id);
    const timer = setTimeout(() => {
      const held = this.held.get(user.id);
      if (held?.timer !== timer) return;
      this.held.delete(user.id);
      this.expired(held);
    }, this.graceMs);
    timer.unref();
    this.held.set(user.id, { user, room, resume, timer });
  }

  /** The user came back (or is taken over elsewhere): no departure from this node. */
  take(id: number): HeldUser | undefined {
    const held = this.held.get(id);
    if (!held) return undefined;
    clearTimeout(held.timer);
    this.held.delete(id);
    return held;
  }

  /** Ends every grace period now (shutdown): each held user's departure is decided at once. */
  expireAll(): void {
    for (const id of [...this.held.keys()]) {
      const held = this.take(id)!;
      this.expired(held);
    }
  }
}
