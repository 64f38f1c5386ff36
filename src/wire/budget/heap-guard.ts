// The budget bounds what the decoder keeps, but a run that evicts churns through state: every
// evicted connection becomes old-generation garbage, and V8 by default lets the heap grow to
// 3–4× the live state before a full collection (measured: 200,000 SYN-only flows with 125 MB
// live peaked at a 392 MB heap, 635 MB RSS). V8's growing factor cannot be changed once the
// process runs, so the guard collects itself: when the heap has grown by more than `slack`
// since the last collection it ran, it runs a full one. With the default budget that is a few
// dozen collections of ~100 ms in a million-flow run, and none in an ordinary capture.
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Input bytes between two looks at the heap (a look costs about a microsecond). */
const CHECK_EVERY_BYTES = 1 << 20;

let collect: (() => void) | null | undefined;

/** A full collection, if the runtime lets us ask for one (null when not). */
function collector(): (() => void) | null {
  if (collect === undefined) {
    try {
      const exposed = (globalThis as { gc?: () => void }).gc;
      if (typeof exposed === 'function') collect = exposed;
      else {
        // Exposes gc() to a new context only; the flag is put back for everyone else.
        setFlagsFromString('--expose-gc');
        const fn = runInNewContext('gc') as unknown;
        setFlagsFromString('--no-expose-gc');
        collect = typeof fn === 'function' ? (fn as () => void) : null;
      }
    } catch {
      collect = null;
    }
  }
  return collect;
}

export interface HeapGuard {
  /** `bytes` more input were decoded; collects when the heap grew past the slack. */
  decoded(bytes: number): void;
  /** Full collections the guard ran. */
  readonly collections: number;
}

/** The heap in use: process.memoryUsage() would also measure the RSS, ~70 µs a call. */
const heapUsed = (): number => getHeapStatistics().used_heap_size;

export function createHeapGuard(slack: number): HeapGuard {
  let sinceCheck = 0;
  let base = heapUsed();
  let collections = 0;
  return {
    decoded(bytes) {
      sinceCheck += bytes;
      if (sinceCheck < CHECK_EVERY_BYTES) return;
      sinceCheck = 0;
      if (heapUsed() - base < slack) return;
      const gc = collector();
      if (gc === null) return;
      gc();
      collections++;
      base = heapUsed();
    },
    get collections() {
      return collections;
    },
  };
}
