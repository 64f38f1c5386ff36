// What one network address may do, whatever connection, worker or node it comes through: how
// many connections it holds open, how many new ones it opens, how many messages it sends. The
// decisions are synchronous and local (a message never waits for IPC or Redis); implementations
// that span processes exchange their counts periodically and may overshoot by one exchange.
//
// Guarantees of every implementation (address-ledger-contract.ts runs them on each):
// - `open` refuses past `maxOpen` connections held by the address, counted everywhere;
// - `open` refuses past `maxNew` admitted new connections per `newWindowMs` (a token bucket:
//   bursts of `maxNew`, refilled evenly over the window), counted everywhere;
// - `message` refuses past `messageRate` per second with bursts of `messageBurst`, counted
//   everywhere;
// - a refused `open` holds nothing (no `release` follows it); an admitted one is released once;
// - memory is bounded by the addresses active recently (idle addresses are forgotten).

export type AddressVerdict = 'ok' | 'ADDRESS_TOO_MANY_CONNECTIONS' | 'ADDRESS_TOO_MANY_NEW_CONNECTIONS';

export interface AddressLimits {
  /** Connections one address may hold open; 0 = no limit. */
  maxOpen: number;
  /** New connections one address may open per window; 0 = no limit. */
  maxNew: number;
  newWindowMs: number;
  /** Messages per second one address may send over all its connections; 0 = no limit. */
  messageRate: number;
  messageBurst: number;
}

export interface AddressLedger {
  open(address: string, now: number): AddressVerdict;
  /** A connection admitted by `open` has closed. */
  release(address: string): void;
  /** One message; false when the address is past its budget. */
  message(address: string, now: number): boolean;
  close(): Promise<void>;
}

/** One address's numbers in this process; `*Elsewhere` come from other processes. */
export interface AddressEntry {
  open: number;
  openElsewhere: number;
  newTokens: number;
  msgTokens: number;
  at: number;
  /** Admitted new connections and messages not yet reported to the others. */
  newUnsent: number;
  msgUnsent: number;
  /** `open` as last reported, so that a change (a close) is reported once. */
  openSent: number;
  /** When it was last reported (unchanged entries are reported again now and then only). */
  sentAt: number;
}

/**
 * The local half every ledger shares: exact counts for this process plus what the others
 * reported. Token buckets refill with time; consumption elsewhere is taken from them when it is
 * reported (`debit`).
 */
export class AddressBook {
  readonly entries = new Map<string, AddressEntry>();

  constructor(readonly limits: AddressLimits) {}

  open(address: string, now: number): AddressVerdict {
    const e = this.entry(address, now);
    const { maxOpen, maxNew } = this.limits;
    if (maxOpen > 0 && e.open + e.openElsewhere >= maxOpen) return 'ADDRESS_TOO_MANY_CONNECTIONS';
    if (maxNew > 0) {
      if (e.newTokens < 1) return 'ADDRESS_TOO_MANY_NEW_CONNECTIONS';
      e.newTokens -= 1;
      e.newUnsent++;
    }
    e.open++;
    return 'ok';
  }

  release(address: string): void {
    const e = this.entries.get(address);
    if (e && e.open > 0) e.open--;
  }

  message(address: string, now: number): boolean {
    if (this.limits.messageRate <= 0) return true;
    const e = this.entry(address, now);
    if (e.msgTokens < 1) return false;
    e.msgTokens -= 1;
    e.msgUnsent++;
    return true;
  }

  /**
   * What the exchange answered for an address: connections open elsewhere, and the shared
   * buckets' levels after every participant's reported use. What was used here since the report
   * left is taken from them again.
   */
  settle(address: string, openElsewhere: number, newLevel: number, msgLevel: number, now: number): void {
    const e = this.entries.get(address);
    if (!e) return;
    this.refill(e, now);
    e.openElsewhere = openElsewhere;
    e.newTokens = newLevel - e.newUnsent;
    e.msgTokens = msgLevel - e.msgUnsent;
  }

  /** Forgets addresses with nothing open, nothing to report and full buckets. */
  prune(now: number): void {
    for (const [address, e] of this.entries) {
      this.refill(e, now);
      const full =
        (this.limits.maxNew <= 0 || e.newTokens >= this.limits.maxNew) &&
        (this.limits.messageRate <= 0 || e.msgTokens >= this.limits.messageBurst);
      if (e.open === 0 && e.openSent === 0 && e.newUnsent === 0 && e.msgUnsent === 0 && full)
        this.entries.delete(address);
    }
  }

  private entry(address: string, now: number): AddressEntry {
    let e = this.entries.get(address);
    if (!e) {
      e = {
        open: 0,
        openElsewhere: 0,
        newTokens: this.limits.maxNew,
        msgTokens: this.limits.messageBurst,
        at: now,
        newUnsent: 0,
        msgUnsent: 0,
        openSent: 0,
        sentAt: 0,
      };
      this.entries.set(address, e);
    } else this.refill(e, now);
    return e;
  }

  private refill(e: AddressEntry, now: number): void {
    const elapsed = Math.max(0, now - e.at);
    e.at = now;
    const { maxNew, newWindowMs, messageRate, messageBurst } = this.limits;
    if (maxNew > 0) e.newTokens = Math.min(maxNew, e.newTokens + (elapsed * maxNew) / newWindowMs);
    if (messageRate > 0) e.msgTokens = Math.min(messageBurst, e.msgTokens + (elapsed / 1000) * messageRate);
  }
}

/** One process, exact: every connection of the address is here. */
export class MemoryAddressLedger implements AddressLedger {
  readonly book: AddressBook;
  private readonly sweeper: NodeJS.Timeout;

  constructor(limits: AddressLimits, sweepMs = 10_000) {
    this.book = new AddressBook(limits);
    this.sweeper = setInterval(() => this.book.prune(Date.now()), sweepMs);
    this.sweeper.unref();
  }

  open(address: string, now: number): AddressVerdict {
    const verdict = this.book.open(address, now);
    const e = this.book.entries.get(address)!;
    e.newUnsent = 0; // nobody to tell
    return verdict;
  }

  release(address: string): void {
    this.book.release(address);
  }

  message(address: string, now: number): boolean {
    const ok = this.book.message(address, now);
    const e = this.book.entries.get(address);
    if (e) e.msgUnsent = 0;
    return ok;
  }

  close(): Promise<void> {
    clearInterval(this.sweeper);
    return Promise.resolve();
  }
}

/** Whether any per-address limit is on (otherwise no ledger is needed at all). */
export const anyAddressLimit = (l: AddressLimits): boolean =>
  l.maxOpen > 0 || l.maxNew > 0 || l.messageRate > 0;
