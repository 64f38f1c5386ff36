// A ledger spread over several processes (cluster workers) or nodes (Redis): each decides from
// its own exact counts plus the others' as of the last exchange, and exchanges every `syncMs`.
// Enforcement is eventual: between two exchanges the processes together can overshoot a limit
// by what the others admitted in that one period. Nothing waits for the exchange.
import {
  AddressBook,
  type AddressLedger,
  type AddressLimits,
  type AddressVerdict,
} from './address-ledger.js';

/** Per address: connections open here now, new connections and messages admitted since the last report. */
export type ReportRow = [address: string, open: number, newDelta: number, msgDelta: number];
/** Per reported address: connections open elsewhere, new connections and messages elsewhere since then. */
export type AnswerRow = [address: string, openElsewhere: number, newElsewhere: number, msgElsewhere: number];

/** Where the counts of every participant meet (the cluster primary, or Redis). */
export interface LedgerBackend {
  exchange(participant: string, rows: ReportRow[]): Promise<AnswerRow[]>;
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
    limits: AddressLimits,
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

  /** One exchange now (also what the timer runs); a second call while one runs joins it. */
  sync(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return (this.inFlight ??= this.exchange().finally(() => (this.inFlight = undefined)));
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
    this.closed = true;
  }

  private async exchange(): Promise<void> {
    this.book.prune(Date.now());
    const rows: ReportRow[] = [];
    for (const [address, e] of this.book.entries) {
      rows.push([address, e.open, e.newUnsent, e.msgUnsent]);
      e.openSent = e.open;
      e.newUnsent = 0;
      e.msgUnsent = 0;
    }
    try {
      const answer = await this.backend.exchange(this.options.participant, rows);
      for (const [address, open, fresh, messages] of answer) this.book.debit(address, open, fresh, messages);
      this.failing = false;
    } catch (err) {
      // What was sent is lost for the others (a slight undercount), never counted twice.
      if (!this.failing) this.options.onError?.(err);
      this.failing = true;
    }
  }
}

/**
 * The meeting point kept in one process's memory (the cluster primary): open counts per
 * participant (a participant silent for `staleMs` no longer counts: a worker that died), and for
 * new connections and messages a running total per address with what each participant has seen.
 */
export class MemoryLedgerBackend implements LedgerBackend {
  private readonly addresses = new Map<string, AddressTotals>();

  constructor(
    private readonly staleMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  exchange(participant: string, rows: ReportRow[]): Promise<AnswerRow[]> {
    return Promise.resolve(this.exchangeNow(participant, rows));
  }

  exchangeNow(participant: string, rows: ReportRow[]): AnswerRow[] {
    const now = this.now();
    const answer: AnswerRow[] = [];
    for (const [address, open, newDelta, msgDelta] of rows) {
      let t = this.addresses.get(address);
      if (!t)
        this.addresses.set(address, (t = { open: new Map(), fresh: newTotals(), messages: newTotals() }));
      t.open.set(participant, { n: open, at: now });
      let elsewhere = 0;
      for (const [p, o] of t.open) {
        if (p !== participant && now - o.at <= this.staleMs) elsewhere += o.n;
      }
      answer.push([
        address,
        elsewhere,
        add(t.fresh, participant, newDelta),
        add(t.messages, participant, msgDelta),
      ]);
    }
    this.forgetStale(now);
    return answer;
  }

  /** A participant that is gone (a worker that exited): its connections no longer count. */
  forget(participant: string): void {
    for (const t of this.addresses.values()) {
      t.open.delete(participant);
      t.fresh.seen.delete(participant);
      t.messages.seen.delete(participant);
    }
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

interface Totals {
  total: number;
  seen: Map<string, number>;
}
interface AddressTotals {
  open: Map<string, { n: number; at: number }>;
  fresh: Totals;
  messages: Totals;
}
const newTotals = (): Totals => ({ total: 0, seen: new Map() });

/** Adds a participant's delta; returns what the others added since this participant last looked. */
function add(t: Totals, participant: string, delta: number): number {
  t.total += delta;
  const seen = t.seen.get(participant) ?? t.total - delta;
  t.seen.set(participant, t.total);
  return Math.max(0, t.total - seen - delta);
}
