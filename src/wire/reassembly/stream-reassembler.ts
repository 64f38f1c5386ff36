// One direction of a TCP connection: segments in any order → bytes in order, exactly once.
//
// - Sequence numbers are compared modulo 2^32 (seq.ts), so streams that wrap work.
// - A SYN consumes one sequence number, a FIN one (the FIN is "reached" only once every byte
//   before it was delivered or declared missing).
// - Segments ahead of the next expected byte are buffered (copied, so a buffered segment never
//   pins a whole capture chunk), up to maxBufferedBytes; beyond that the oldest hole is declared
//   a gap and delivery resumes after it. What is buffered (bytes plus each piece's own cost) is
//   charged to the run's memory budget, whose owner may call giveUpHoles() to free it.
// - Pieces are kept in a block list (piece-list.ts) and the totals are kept as they change, so a
//   segment costs O(log n) however many pieces wait, not a pass over all of them.
// - Overlaps: the copy that arrived first wins. A later copy of the same bytes is a
//   retransmission; a later copy with different bytes is an overlap conflict. Bytes already
//   delivered are compared against a small history ring (history-ring.ts).
// - A segment cut by the snaplen delivers what was captured, then a gap for the rest.
import { BudgetAccount } from '../budget/memory-budget.js';
import { HistoryRing } from './history-ring.js';
import { PieceList } from './piece-list.js';
import { seqAdd, seqDiff } from './seq.js';
import { SegmentClass, type ReassemblyListener, type StreamReassemblerOptions } from './reassembly-types.js';

export type { ReassemblyListener, ReassemblyProblem, StreamReassemblerOptions } from './reassembly-types.js';
export { SegmentClass } from './reassembly-types.js';

/**
 * What one buffered piece costs beyond its bytes: the piece object, its Buffer object and the
 * pool slack of a small copy. Measured with `node --expose-gc` by buffering 100,000 one-byte
 * pieces and dividing the heapUsed + external growth by the count: 181 bytes in all, so 180
 * beyond the byte itself.
 */
export const PIECE_OVERHEAD = 180;

interface Piece {
  seq: number;
  /** Sequence space covered (≥ data.length; the rest was never captured). */
  len: number;
  data: Buffer;
  /** Whether `data` is our own copy (false: a view into the current packet). */
  owned: boolean;
}

const EMPTY = Buffer.alloc(0);

export class StreamReassembler {
  private started = false;
  private nextSeq = 0;
  private readonly pending = new PieceList<Piece>();
  /** Bytes of our own copies among the pending pieces. */
  private buffered = 0;
  /** Bytes of every pending piece (copied or not), for the maxBufferedBytes check. */
  private pendingBytes = 0;
  /** Pieces added by the current push that still point into its packet. */
  private unowned: Piece[] = [];
  private ownedPieces = 0;
  private readonly account: BudgetAccount;
  private finSeen = false;
  private finSeq = 0;
  private ended = false;
  private readonly history: HistoryRing;
  private readonly maxBuffered: number;
  /** Problems counted during one push, reported once at its end. */
  private dupBytes = 0;
  private conflictBytes = 0;

  constructor(
    private readonly out: ReassemblyListener,
    options: StreamReassemblerOptions = {},
  ) {
    this.maxBuffered = options.maxBufferedBytes ?? 4 * 1024 * 1024;
    this.history = new HistoryRing(options.historyBytes ?? 2048, options.historyQueue);
    this.account = new BudgetAccount(options.budget);
  }

  /** True once a starting sequence number is known. */
  get isStarted(): boolean {
    return this.started;
  }

  get isEnded(): boolean {
    return this.ended;
  }

  /** The next byte expected (meaningful once started). */
  get expectedSeq(): number {
    return this.nextSeq;
  }

  get bufferedBytes(): number {
    return this.buffered;
  }

  /** Out-of-order pieces waiting. */
  get pendingPieces(): number {
    return this.pending.size;
  }

  /** The ISN: data starts at isn + 1. Ignored once started (a retransmitted SYN). */
  syn(isn: number): void {
    if (this.started) return;
    this.started = true;
    this.nextSeq = seqAdd(isn, 1);
  }

  /** Starts the stream at `seq` when the SYN was not seen (mid-stream pick-up). */
  startAt(seq: number): void {
    if (this.started) return;
    this.started = true;
    this.nextSeq = seq >>> 0;
  }

  /**
   * One segment: `payload` is what was captured of its `wireLength` bytes (payload.length ≤
   * wireLength), starting at `seq`. `fin`: the segment carries a FIN after its data.
   */
  push(seq: number, payload: Buffer, wireLength: number, fin: boolean): SegmentClass {
    if (this.ended) return wireLength > 0 ? SegmentClass.Retransmission : SegmentClass.Empty;
    if (!this.started) this.startAt(seq);
    if (!fin && wireLength <= 1 && seqDiff(seq, this.nextSeq) === -1) return SegmentClass.KeepAlive;
    let cls = SegmentClass.Empty;
    if (wireLength > 0) {
      if (seq >>> 0 === this.nextSeq && this.pending.size === 0 && !this.finSeen) {
        // In order with nothing waiting (most segments): delivered at once, as drain() would,
        // without a piece, a list block and a cursor made and dropped for it. Without a FIN
        // nothing is left to drain, limit, copy or reach: done.
        this.deliver(payload, wireLength);
        if (!fin) return SegmentClass.Data;
        cls = SegmentClass.Data;
      } else cls = this.insert(seq >>> 0, payload, wireLength);
    }
    if (fin && !this.finSeen) {
      this.finSeen = true;
      this.finSeq = seqAdd(seq, wireLength);
      this.dropBeyondFin();
    }
    this.drain();
    this.enforceLimit();
    this.keepPending();
    this.reachFin();
    return cls;
  }

  /**
   * The connection is over (RST, both FINs, idle, end of capture): every hole becomes a gap,
   * everything buffered is delivered, and onEnd is called.
   */
  finish(): void {
    if (this.ended) return;
    this.giveUpHoles();
    if (this.finSeen && seqDiff(this.finSeq, this.nextSeq) > 0) this.gapTo(this.finSeq);
    this.ended = true;
    this.out.onEnd();
  }

  /**
   * Stops waiting for the missing bytes: every hole before a buffered piece becomes a gap and
   * the pieces are delivered. Returns how many buffered bytes were let go.
   */
  giveUpHoles(): number {
    const before = this.pendingBytes;
    let p: Piece | undefined;
    while ((p = this.pending.first()) !== undefined) {
      this.gapTo(p.seq);
      this.drain();
    }
    this.settle();
    return before;
  }

  private insert(seq: number, payload: Buffer, wireLength: number): SegmentClass {
    this.dupBytes = 0;
    this.conflictBytes = 0;
    let off = seqDiff(seq, this.nextSeq);
    let data = payload;
    let len = wireLength;
    if (this.finSeen) {
      // Nothing exists after the FIN.
      const room = seqDiff(this.finSeq, seq);
      if (room <= 0) return SegmentClass.Retransmission;
      if (len > room) {
        len = room;
        if (data.length > len) data = data.subarray(0, len);
      }
    }
    if (off < 0) {
      // The part before the next expected byte was delivered already.
      const old = Math.min(-off, len);
      this.compareDelivered(-off, data.subarray(0, Math.min(old, data.length)), old);
      if (old === len) {
        this.report();
        return SegmentClass.Retransmission;
      }
      data = data.length > old ? data.subarray(old) : EMPTY;
      len -= old;
      off = 0;
    }
    const start = seqAdd(this.nextSeq, off);
    let fresh = 0;
    if (this.pending.size === 0) {
      this.add({ seq: start, len, data, owned: false }, { block: 0, index: 0 });
      fresh = len;
    } else {
      fresh = this.insertAround(start, data, len);
    }
    if (off > 0 && fresh > 0) this.out.onProblem('tcp.out-of-order', fresh);
    this.report();
    return fresh > 0 ? SegmentClass.Data : SegmentClass.Retransmission;
  }

  /** Adds the parts of [start, start+len) no buffered piece covers; compares the covered parts. */
  private insertAround(start: number, data: Buffer, len: number): number {
    const base = this.nextSeq;
    const s0 = seqDiff(start, base);
    const e0 = s0 + len;
    let cursor = s0;
    let fresh = 0;
    const pending = this.pending;
    // The first piece ending after the new segment starts.
    const at = pending.seek((p) => seqDiff(p.seq, base) + p.len <= s0);
    let p: Piece | undefined;
    while ((p = pending.at(at)) !== undefined && cursor < e0) {
      const ps = seqDiff(p.seq, base);
      const pe = ps + p.len;
      if (ps >= e0) break;
      if (ps > cursor) {
        this.add(this.slice(start, s0, data, cursor, ps), at);
        fresh += ps - cursor;
      }
      const os = Math.max(cursor, ps);
      const oe = Math.min(e0, pe);
      this.compareBuffered(p, ps, data, s0, os, oe);
      cursor = oe;
      pending.next(at);
    }
    if (cursor < e0) {
      this.add(this.slice(start, s0, data, cursor, e0), at);
      fresh += e0 - cursor;
    }
    return fresh;
  }

  /** A new piece (still a view into the packet) placed before the cursor. */
  private add(p: Piece, at: { block: number; index: number }): void {
    this.pending.insertBefore(at, p);
    this.pendingBytes += p.data.length;
    this.unowned.push(p);
  }

  /** The piece of a new segment (starting at offset s0) covering offsets [from, to). */
  private slice(start: number, s0: number, data: Buffer, from: number, to: number): Piece {
    const a = Math.min(from - s0, data.length);
    const b = Math.min(to - s0, data.length);
    return { seq: seqAdd(start, from - s0), len: to - from, data: data.subarray(a, b), owned: false };
  }

  private compareBuffered(p: Piece, ps: number, data: Buffer, s0: number, os: number, oe: number): void {
    // Compare only bytes both copies actually hold.
    const a0 = os - ps;
    const b0 = os - s0;
    const n = Math.min(oe - os, p.data.length - a0, data.length - b0);
    if (n > 0 && p.data.compare(data, b0, b0 + n, a0, a0 + n) !== 0) this.conflictBytes += oe - os;
    else this.dupBytes += oe - os;
  }

  private compareDelivered(back: number, captured: Buffer, old: number): void {
    if (this.history.compare(back, captured) === 'differ') this.conflictBytes += old;
    else this.dupBytes += old;
  }

  private report(): void {
    if (this.dupBytes > 0) this.out.onProblem('tcp.retransmission', this.dupBytes);
    if (this.conflictBytes > 0) this.out.onProblem('tcp.overlap-conflict', this.conflictBytes);
    this.dupBytes = 0;
    this.conflictBytes = 0;
  }

  private dropBeyondFin(): void {
    const pending = this.pending;
    let p: Piece | undefined;
    while ((p = pending.last()) !== undefined) {
      const room = seqDiff(this.finSeq, p.seq);
      if (room <= 0) {
        pending.pop();
        this.forget(p);
        p.data = EMPTY;
        p.len = 0;
        continue;
      }
      if (p.len > room) {
        const cut = Math.max(0, p.data.length - room);
        this.pendingBytes -= cut;
        if (p.owned) this.buffered -= cut;
        p.len = room;
        if (p.data.length > room) p.data = p.data.subarray(0, room);
      }
      break;
    }
  }

  /** A piece leaves the list: its bytes no longer count. */
  private forget(p: Piece): void {
    this.pendingBytes -= p.data.length;
    if (p.owned) {
      this.buffered -= p.data.length;
      this.ownedPieces--;
    }
    // Marked as owned so the end of the push does not copy what already left.
    p.owned = true;
  }

  /** Delivers every piece that starts at the next expected byte. */
  private drain(): void {
    const pending = this.pending;
    let p: Piece | undefined;
    while ((p = pending.first()) !== undefined && p.seq === this.nextSeq) {
      pending.shift();
      this.forget(p);
      this.deliver(p.data, p.len);
    }
  }

  /** Hands on the next `len` bytes of sequence space, of which `data` was captured. */
  private deliver(data: Buffer, len: number): void {
    if (data.length > 0) {
      this.history.append(data);
      this.out.onData(data);
    }
    if (len > data.length) {
      // Never captured (snaplen): the stream continues after them.
      this.history.clear();
      this.out.onGap(len - data.length);
    }
    this.nextSeq = seqAdd(this.nextSeq, len);
  }

  private gapTo(seq: number): void {
    const missing = seqDiff(seq, this.nextSeq);
    if (missing <= 0) return;
    this.history.clear();
    this.out.onGap(missing);
    this.nextSeq = seq >>> 0;
  }

  private enforceLimit(): void {
    // Count what the pieces left after this packet will hold once copied.
    let p: Piece | undefined;
    while (this.pendingBytes > this.maxBuffered && (p = this.pending.first()) !== undefined) {
      this.gapTo(p.seq);
      this.drain();
    }
  }

  /** Pieces still waiting after this packet get their own copy of their bytes. */
  private keepPending(): void {
    const added = this.unowned;
    for (let i = 0; i < added.length; i++) {
      const p = added[i]!;
      if (!p.owned) {
        p.data = Buffer.from(p.data);
        p.owned = true;
        this.buffered += p.data.length;
        this.ownedPieces++;
      }
    }
    if (added.length !== 0) this.unowned = [];
    this.settle();
  }

  /** Brings the budget charge up to date with what is buffered. */
  private settle(): void {
    this.account.set(this.buffered + this.ownedPieces * PIECE_OVERHEAD);
  }

  private reachFin(): void {
    if (this.finSeen && !this.ended && this.nextSeq === this.finSeq) {
      this.nextSeq = seqAdd(this.finSeq, 1);
      this.ended = true;
      this.out.onEnd();
    }
  }
}
