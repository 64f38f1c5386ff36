// The publications a node makes while Redis is unreachable, kept in order until the connection is
// back. Bounded by count and by bytes, whichever is reached first: past the bound the oldest
// publications are dropped, so an outage of any length cannot grow memory without bound.
export interface OutboxLimits {
  /** Most publications kept (default 10,000). */
  maxCount?: number;
  /** Most bytes kept, channel and payload as UTF-8 (default 8 MiB). */
  maxBytes?: number;
}

export interface Publication {
  channel: string;
  payload: string;
  bytes: number;
}

export const DEFAULT_OUTBOX_COUNT = 10_000;
export const DEFAULT_OUTBOX_BYTES = 8 * 1024 * 1024;

export class RedisOutbox {
  readonly maxCount: number;
  readonly maxBytes: number;
  private items: (Publication | undefined)[] = [];
  private head = 0;
  private totalBytes = 0;

  constructor(limits: OutboxLimits = {}) {
    this.maxCount = limits.maxCount ?? DEFAULT_OUTBOX_COUNT;
    this.maxBytes = limits.maxBytes ?? DEFAULT_OUTBOX_BYTES;
    if (!(this.maxCount >= 1) || !(this.maxBytes >= 1)) throw new Error('outbox limits must be at least 1');
  }

  get size(): number {
    return this.items.length - this.head;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  /** Appends a publication; returns how many (oldest first, possibly this one) were dropped for room. */
  push(channel: string, payload: string): number {
    const bytes = Buffer.byteLength(channel) + Buffer.byteLength(payload);
    if (bytes > this.maxBytes) return 1; // could never fit: dropping the others would not help
    let dropped = 0;
    while (this.size > 0 && (this.size + 1 > this.maxCount || this.totalBytes + bytes > this.maxBytes)) {
      this.shift();
      dropped++;
    }
    this.items.push({ channel, payload, bytes });
    this.totalBytes += bytes;
    return dropped;
  }

  /** Removes and returns the oldest publication. */
  shift(): Publication | undefined {
    if (this.size === 0) return undefined;
    const item = this.items[this.head]!;
    this.items[this.head++] = undefined;
    this.totalBytes -= item.bytes;
    // Compact now and then so the array does not keep a long run of holes.
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** The distinct channels waiting, oldest first. */
  channels(): string[] {
    const seen = new Set<string>();
    for (let i = this.head; i < this.items.length; i++) seen.add(this.items[i]!.channel);
    return [...seen];
  }

  /** Empties the outbox; returns how many publications it held. */
  clear(): number {
    const n = this.size;
    this.items = [];
    this.head = 0;
    this.totalBytes = 0;
    return n;
  }
}
