// The last bytes delivered in one direction, kept so a later retransmission of them can be
// compared with what was delivered (first copy wins; a different copy is an overlap conflict).
// A fixed small ring per direction, allocated on first use: memory stays bounded however many
// bytes pass.
//
// With a HistoryQueue (the flow table of a decoder run), delivered segments are not copied in
// one by one: the ring keeps views of the last ones (enough to cover its capacity) and copies
// them in when the queue is settled, which the run does after each chunk of the capture (so a
// view never keeps a chunk alive past it), or at once when a comparison needs them. Most
// segments of a chat are then never copied at all: only the last ring's worth of each chunk.

export type Comparison = 'equal' | 'differ' | 'unknown';

const EMPTY = Buffer.alloc(0);
/** Dropped view slots at the front of a ring's list before they are spliced away. */
const COMPACT_AT = 1024;

/** Rings holding views of delivered bytes, to be copied in before the bytes they view go. */
export class HistoryQueue {
  private rings: HistoryRing[] = [];

  add(ring: HistoryRing): void {
    this.rings.push(ring);
  }

  /** Copies every queued ring's views in (call before the capture chunk they view is let go). */
  settle(): void {
    const rings = this.rings;
    if (rings.length === 0) return;
    this.rings = [];
    for (let i = 0; i < rings.length; i++) rings[i]!.settle();
  }
}

export class HistoryRing {
  private buf: Buffer | null = null;
  /** Valid bytes held (≤ capacity); they end at the stream position the owner tracks. */
  private held = 0;
  /** Where the next byte goes. */
  private pos = 0;
  /** Delivered bytes not copied in yet (views, oldest first from `viewsFirst`). */
  private views: Buffer[] | null = null;
  private viewsFirst = 0;
  private viewBytes = 0;
  private queued = false;

  constructor(
    private readonly capacity: number,
    private readonly queue?: HistoryQueue,
  ) {}

  append(bytes: Buffer): void {
    if (this.capacity === 0 || bytes.length === 0) return;
    if (this.queue === undefined) {
      this.copyIn(bytes);
      return;
    }
    const views = this.views ?? (this.views = []);
    views.push(bytes);
    this.viewBytes += bytes.length;
    // Views older than the last `capacity` bytes would be overwritten by the newer ones.
    while (this.viewBytes - views[this.viewsFirst]!.length >= this.capacity) {
      this.viewBytes -= views[this.viewsFirst]!.length;
      views[this.viewsFirst++] = EMPTY;
    }
    // Many tiny segments in one chunk: the dropped slots are let go now and then, not kept.
    if (this.viewsFirst >= COMPACT_AT) {
      views.splice(0, this.viewsFirst);
      this.viewsFirst = 0;
    }
    if (!this.queued) {
      this.queued = true;
      this.queue.add(this);
    }
  }

  /** Copies the views held into the ring. */
  settle(): void {
    this.queued = false;
    const views = this.views;
    if (views === null) return;
    for (let i = this.viewsFirst; i < views.length; i++) this.copyIn(views[i]!);
    this.dropViews();
  }

  /** Bytes before the current position are unknown from now on (after a gap). */
  clear(): void {
    this.held = 0;
    this.dropViews();
  }

  /**
   * Compares `bytes` with the delivered bytes starting `back` bytes before the current end.
   * Only the part still held is compared; 'unknown' when none of it is.
   */
  compare(back: number, bytes: Buffer): Comparison {
    this.settle();
    const buf = this.buf;
    if (buf === null || back <= 0) return 'unknown';
    const cap = this.capacity;
    // Skip the part older than what the ring holds.
    const skip = Math.max(0, back - this.held);
    const n = Math.min(bytes.length, back) - skip;
    if (n <= 0) return 'unknown';
    let r = (this.pos - (back - skip) + cap * 2) % cap;
    for (let i = 0; i < n; i++) {
      if (buf[r] !== bytes[skip + i]) return 'differ';
      r = r + 1 === cap ? 0 : r + 1;
    }
    return 'equal';
  }

  private dropViews(): void {
    // No array is kept between chunks: an idle direction holds nothing for its views.
    this.views = null;
    this.viewsFirst = 0;
    this.viewBytes = 0;
  }

  private copyIn(bytes: Buffer): void {
    const cap = this.capacity;
    if (this.buf === null) this.buf = Buffer.allocUnsafe(cap);
    const buf = this.buf;
    if (bytes.length >= cap) {
      bytes.copy(buf, 0, bytes.length - cap);
      this.pos = 0;
      this.held = cap;
      return;
    }
    const first = Math.min(bytes.length, cap - this.pos);
    // TypedArray set: for short segments, far cheaper than Buffer#copy's checks.
    if (first === bytes.length) buf.set(bytes, this.pos);
    else {
      bytes.copy(buf, this.pos, 0, first);
      bytes.copy(buf, 0, first);
    }
    this.pos = (this.pos + bytes.length) % cap;
    this.held = Math.min(cap, this.held + bytes.length);
  }
}
