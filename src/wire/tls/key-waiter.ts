// While live, a key log grows as handshakes happen (a browser writes a session's secrets just
// after its handshake, and the key log is re-read every few hundred milliseconds), so a new TLS
// connection's secrets often arrive after its first records. The waiter lets the TLS layer hold
// such a connection's bytes for a bounded while instead of calling them undecryptable: until its
// secrets are in the store, or it has waited `maxWaitMs`, or holding it would pass `maxBytes`
// (all held connections together). Then the connection is decoded from its first byte, with the
// secrets or, past the bound, with TLS_NO_KEYS as when nothing waits. A pcapng file written live
// carries its secrets the same way (a Decryption Secrets Block after the handshake it opens), so
// reading one waits too, by capture time instead of the wall clock.
export const DEFAULT_KEY_WAIT_MS = 2000;
export const DEFAULT_KEY_WAIT_BYTES = 4 * 1024 * 1024;

export interface KeyWaiterOptions {
  /** Longest a connection is held for its secrets (wall-clock milliseconds). */
  maxWaitMs?: number;
  /** Bytes held for all waiting connections together. */
  maxBytes?: number;
  /** The clock (tests). */
  now?: () => number;
}

/** One connection waiting for its secrets. */
export interface KeyWait {
  /** Counts `bytes` more held; false when that would pass the bound: release now. */
  take(bytes: number): boolean;
  /** Stops waiting (released by its owner): its bytes no longer count. */
  done(): void;
}

export class KeyWaiter {
  private readonly waiting = new Map<
    KeyWait,
    { random: Buffer; since: number; bytes: number; release: () => void }
  >();
  private held = 0;
  readonly maxWaitMs: number;
  readonly maxBytes: number;
  private readonly now: () => number;
  /** Connections that waited and got their secrets / that waited in vain. */
  readonly counts = { found: 0, timedOut: 0, overBudget: 0 };

  /** `known(random)`: whether the secrets of the session with this client random are known. */
  constructor(
    readonly known: (random: Buffer) => boolean,
    options: KeyWaiterOptions = {},
  ) {
    this.maxWaitMs = options.maxWaitMs ?? DEFAULT_KEY_WAIT_MS;
    this.maxBytes = options.maxBytes ?? DEFAULT_KEY_WAIT_BYTES;
    this.now = options.now ?? Date.now;
  }

  /** Connections held right now. */
  get size(): number {
    return this.waiting.size;
  }

  /**
   * Starts holding a connection whose ClientHello has `random`; `release` is called once (from
   * check()) when its secrets arrive or its time is up.
   */
  wait(random: Buffer, release: () => void): KeyWait {
    const entry = { random: Buffer.from(random), since: this.now(), bytes: 0, release };
    const wait: KeyWait = {
      take: (bytes) => {
        if (!this.waiting.has(wait)) return false;
        if (this.held + bytes > this.maxBytes) {
          this.counts.overBudget++;
          return false;
        }
        entry.bytes += bytes;
        this.held += bytes;
        return true;
      },
      done: () => {
        if (!this.waiting.delete(wait)) return;
        this.held -= entry.bytes;
      },
    };
    this.waiting.set(wait, entry);
    return wait;
  }

  /** Releases the connections whose secrets are now known or whose time is up. */
  check(): void {
    this.release(false);
  }

  /** The run is over: every connection still waiting is decoded with what is known now. */
  releaseAll(): void {
    this.release(true);
  }

  private release(all: boolean): void {
    if (this.waiting.size === 0) return;
    const now = this.now();
    for (const [wait, entry] of [...this.waiting]) {
      const found = this.known(entry.random);
      if (!found && !all && now - entry.since < this.maxWaitMs) continue;
      if (found) this.counts.found++;
      else this.counts.timedOut++;
      wait.done();
      entry.release();
    }
  }
}
