// Message ids `<ms>-<n>` (the shape of Redis stream ids, see history.ts), increasing even when the
// clock steps back. With a node tag (0–999), n = counter × 1000 + tag: two nodes sharing a room
// never mint the same id in the same millisecond unless they drew the same tag. Cluster workers
// use their index as the tag and the worker count as the spread (n % count = index), so their ids
// never collide.
export class MessageIds {
  private lastMs = 0;
  private counter = 0;

  constructor(
    private readonly now: () => number = Date.now,
    private readonly tag: number | undefined = undefined,
    private readonly spread = 1000,
  ) {}

  /** Carries on after `id` (a stored history's newest id), so ids keep increasing across restarts. */
  resumeAfter(id: string | undefined): void {
    const m = id ? /^(\d+)-(\d+)$/.exec(id) : null;
    if (!m) return;
    this.lastMs = Number(m[1]);
    this.counter = this.tag === undefined ? Number(m[2]) : Math.floor(Number(m[2]) / this.spread);
  }

  next(): string {
    const ms = this.now();
    if (ms > this.lastMs) {
      this.lastMs = ms;
      this.counter = 0;
    } else {
      this.counter++;
    }
    const n = this.tag === undefined ? this.counter : this.counter * this.spread + this.tag;
    return `${this.lastMs}-${n}`;
  }
}
