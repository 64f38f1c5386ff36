// The events a decoder run hands on (jsonl's --events; default all) and the batch they wait
// in. Short batches matter for memory: events (and their message text) still waiting in a
// batch when the young generation is collected get copied and promoted, and promoted garbage
// makes the heap grow with the file.
import type { WireEvent } from '../events.js';

/** Events gathered before they are handed on (the batch is cut at the next packet boundary). */
export const BATCH_EVENTS = 256;

export class EventGate {
  private batch: WireEvent[] = [];
  /** Decided once per event name, not once per event. */
  private readonly kept = new Map<string, boolean>();
  /** The last event name looked up and its answer (runs of one event name are the rule). */
  private lastName = '';
  private lastKept = false;

  constructor(
    private readonly wanted: ((name: string) => boolean) | undefined,
    private readonly onEvents: (events: WireEvent[]) => void,
  ) {}

  /** Whether events of this name are handed on; decode.problem always is (a caller looks for the first one). */
  keeps(name: string): boolean {
    return this.wanted === undefined || name === 'decode.problem' || this.wanted(name);
  }

  pass(ev: WireEvent): void {
    if (this.wanted === undefined) {
      this.batch.push(ev);
      return;
    }
    const name = ev.event;
    if (name !== this.lastName) {
      let k = this.kept.get(name);
      if (k === undefined) {
        k = this.keeps(name);
        this.kept.set(name, k);
      }
      this.lastName = name;
      this.lastKept = k;
    }
    if (this.lastKept) this.batch.push(ev);
  }

  /** True when the batch is long enough to be cut at this packet boundary. */
  get full(): boolean {
    return this.batch.length >= BATCH_EVENTS;
  }

  flush(): void {
    if (this.batch.length === 0) return;
    const out = this.batch;
    this.batch = [];
    this.onEvents(out);
  }
}
