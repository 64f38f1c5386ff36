// A ledger spread over several processes (cluster workers) or nodes (Redis): each decides from
// its own exact counts plus the shared totals as of the last exchange, and exchanges every
// `syncMs`. The shared totals are the open connections of every participant and one token bucket
// per address for new connections and one for messages, kept where the participants meet.
// Enforcement is eventual: between two exchanges each participant decides on its last view, so
// together they can overshoot a limit by what the others admitted in that period (an address
// quiet on one side is refreshed there every other exchange; a participant that sees an address
// for the first time starts from a full view until its first exchange). Nothing waits for the
// exchange.
import {
  AddressBook,
  type AddressLedger,
  type AddressLimits,
  type AddressVerdict,
} from './address-ledger.js';

/** Per address: connections open here now, new connections and messages admitted since the last report. */
export type ReportRow = [address: string, open: number, newUsed: number, msgUsed: number];
/** Per reported address: connections open elsewhere, and the shared buckets' levels now. */
export type AnswerRow = [address: string, openElsewhere: number, newLevel: number, msgLevel: number];

/** Where the counts of every participant meet (the cluster primary, or Redis). */
export interface LedgerBackend {
  exchange(participant: string, rows: ReportRow[], limits: AddressLimits): Promise<AnswerRow[]>;
}

export interface SyncedLedgerOptions {
  participant: string;
  syncMs: number;
  /** Told once per failed exchange streak (the ledger keeps deciding on local counts). */
  onError?: (err: unknown) => void;
}

export class SyncedAddressLedger implements AddressLedger {
  readonly book: AddressBook;
  private readonly timer: NodeJS.Timeout;
  private inFlight: Promise<void> | undefined;
  private failing = false;
  private closed = false;

  constructor(
    private readonly limits: AddressLimits,
    private readonly backend: LedgerBackend,
    private readonly options: SyncedLedgerOptions,
  ) {
    this.book = new AddressBook(limits);
    this.timer = setInterval(() => void this.sync(), options.syncMs);
    this.timer.unref();
  }

  open(address: string, now: number): AddressVerdict {
    return this.book.open(address, now);
  }

  release(address: string): void {
    this.book.release(address);
  }

  message(address: string, now: number): boolean {
    return this.book.message(address, now);
  }

  /**
   * One exchange now (also what the timer runs); a second call while one runs joins it. `full`:
   * every address, changed or not (what every other exchange does for quiet addresses).
   */
  sync(full = false): Promise<void> {
    if (this.closed) return Promise.resolve();
    return (this.inFlight ??= this.exchange(full).finally(() => (this.inFlight = undefined)));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
    this.closed = true;
  }

  private async exchange(full: boolean): Promise<void> {
    const now = Date.now();
    this.book.prune(now);
    // What changed, and every other exchange what did not (so that it does not go stale where the
    // counts meet, and this side hears what the others did with the address): 100,000 quiet
    // addresses are not sent four times a second.
    const refreshMs = full ? 0 : this.options.syncMs * 2;
    const rows: ReportRow[] = [];
    for (const [address, e] of this.book.entries) {
      const changed = e.open !== e.openSent || e.newUnsent > 0 || e.msgUnsent > 0;
      if (!changed && now - e.sentAt < refreshMs) continue;
      rows.push([address, e.open, e.newUnsent, e.msgUnsent]);
      e.openSent = e.open;
      e.newUnsent = 0;
      e.msgUnsent = 0;
      e.sentAt = now;
    }
    if (rows.length === 0) return;
    try {
      const answer = await this.backend.exchange(this.options.participant, rows, this.limits);
      const now = Date.now();
      for (const [address, open, fresh, messages] of answer)
        this.book.settle(address, open, fresh, messages, now);
      this.failing = false;
    } catch (err) {
      // What was sent is lost for the others (a slight undercount), never counted twice.
      if (!this.failing) this.options.onError?.(err);
      this.failing = true;
    }
  }
}

/** A token bucket kept where participants meet. */
interface Bucket {
  tokens: number;
  at: number;
}

/** Takes `used` from a bucket refilled at `perMs` up to `burst`; never below minus one burst. */
export function drain(b: Bucket, used: number, perMs: number, burst: number, now: number): number {
  b.tokens = Math.min(burst, b.tokens + Math.max(0, now - b.at) * perMs);
  b.at = now;
  b.tokens = Math.max(-burst, b.tokens - used);
  return b.tokens;
}

/**
 * The meeting point kept in one process's memory (the cluster primary): open counts per
 * participant (a participant silent for `staleMs` no longer counts: a worker that died) and the
 * two shared buckets per address.
 */
export class MemoryLedgerBackend implements LedgerBackend {
  private readonly addresses = new Map<
    string,
    { open: Map<string, { n: number; at: number }>; fresh: Bucket; messages: Bucket }
  >();

  constructor(
    private readonly staleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  exchange(participant: string, rows: ReportRow[], limits: AddressLimits): Promise<AnswerRow[]> {
    return Promise.resolve(this.exchangeNow(participant, rows, limits));
  }

  exchangeNow(participant: string, rows: ReportRow[], limits: AddressLimits): AnswerRow[] {
    const now = this.now();
    const answer: AnswerRow[] = [];
    for (const [address, open, newUsed, msgUsed] of rows) {
      let t = this.addresses.get(address);
      if (!t) {
        t = {
          open: new Map(),
          fresh: { tokens: limits.maxNew, at: now },
          messages: { tokens: limits.messageBurst, at: now },
        };
        this.addresses.set(address, t);
      }
      t.open.set(participant, { n: open, at: now });
      let elsewhere = 0;
      for (const [p, o] of t.open) if (p !== participant && now - o.at <= this.staleMs) elsewhere += o.n;
      answer.push([
        address,
        elsewhere,
        drain(t.fresh, newUsed, limits.maxNew / limits.newWindowMs, limits.maxNew, now),
        drain(t.messages, msgUsed, limits.messageRate / 1000, limits.messageBurst, now),
      ]);
    }
    this.forgetStale(now);
    return answer;
  }

  /** A participant that is gone (a worker that exited): its connections no longer count. */
  forget(participant: string): void {
    for (const t of this.addresses.values()) t.open.delete(participant);
  }

  get size(): number {
    return this.addresses.size;
  }

  private forgetStale(now: number): void {
    for (const [address, t] of this.addresses) {
      let live = false;
      for (const [p, o] of t.open) {
        if (now - o.at > this.staleMs) t.open.delete(p);
        else live = true;
      }
      if (!live) this.addresses.delete(address);
    }
  }
}
