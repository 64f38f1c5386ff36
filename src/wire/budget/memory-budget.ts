// One memory budget for a whole decoder run. Every part that keeps state between packets (the
// flow table's connections and closed-connection records, out-of-order bytes, WebSocket state,
// unfinished messages, inflaters) charges what it keeps here and gives it back when it lets go.
// The budget itself never refuses a charge: a charge happens in the middle of decoding a packet,
// where nothing can be dropped safely. The flow table looks at `over` after each packet and
// evicts until the run is back under the limit (flow-eviction.ts), so the overshoot is at most
// what one packet adds.

/**
 * The decoder's share of the README's promise (whole `read` process ≤ 300 MB peak): the rest is
 * Node itself (~50 MB), garbage between collections, the young generation and the view's output
 * buffers. Measured with `npm run bench:hostile-captures`: 128 MiB let a million flows with data
 * peak at 388 MB.
 */
export const DEFAULT_MAX_MEMORY = 96 * 1024 * 1024;

/** The smallest budget accepted: below it a single connection's fixed costs would not fit. */
export const MIN_MAX_MEMORY = 1024 * 1024;

/**
 * Largest share of the budget one inflated message may take. The output is not kept by the
 * decoder, but it lives on as the message's text, its JSON line and the garbage they leave until
 * the next collection (about 3–4 copies at once, more while the output waits to be written),
 * so one message gets a sixteenth (6 MiB of the default budget; measured: a 16 MiB share took a
 * deflate bomb of four messages to 322 MB peak RSS with the jsonl view).
 */
export const INFLATE_SHARE = 16;

export interface MemoryBudget {
  /** Bytes the run may keep. */
  readonly limit: number;
  /** Bytes charged now. */
  readonly used: number;
  /** The most ever charged at once. */
  readonly peak: number;
  /** true while more is charged than the limit allows. */
  readonly over: boolean;
  charge(bytes: number): void;
  release(bytes: number): void;
}

export function createMemoryBudget(limit: number = DEFAULT_MAX_MEMORY): MemoryBudget {
  return new CountingBudget(limit);
}

class CountingBudget implements MemoryBudget {
  used = 0;
  peak = 0;

  constructor(readonly limit: number) {}

  get over(): boolean {
    return this.used > this.limit;
  }

  charge(bytes: number): void {
    this.used += bytes;
    if (this.used > this.peak) this.peak = this.used;
  }

  release(bytes: number): void {
    this.used -= bytes;
  }
}

/** What one holder of state has charged, so it can give it all back at once. */
export class BudgetAccount {
  private held = 0;

  constructor(private readonly budget: MemoryBudget | undefined) {}

  get charged(): number {
    return this.held;
  }

  /** Sets this account's charge to `bytes` (charging or releasing the difference). */
  set(bytes: number): void {
    const delta = bytes - this.held;
    if (delta === 0) return;
    this.held = bytes;
    if (delta > 0) this.budget?.charge(delta);
    else this.budget?.release(-delta);
  }

  add(bytes: number): void {
    this.set(this.held + bytes);
  }

  /** Gives everything back (idempotent). */
  clear(): void {
    this.set(0);
  }
}

/**
 * Parses a size as `--max-memory` takes it: bytes, or a number with K, M or G (powers of 1024;
 * an optional trailing B or iB: 200M, 200MB, 200MiB, 1G, 1.5G). undefined when not a size.
 */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = m[2]!.toLowerCase();
  const factor = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  const n = Math.floor(Number(m[1]) * factor);
  return Number.isSafeInteger(n) ? n : undefined;
}
