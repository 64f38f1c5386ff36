// Per-address limits across `--workers`: node:cluster hands connections to workers in turn, so no
// worker alone sees an address's total. Each worker decides on its own counts plus the others'
// (SyncedAddressLedger) and exchanges them with the primary, which keeps the totals
// (MemoryLedgerBackend), every `syncMs` over the cluster's IPC channel. A worker that exits is
// forgotten at once, so its connections stop counting.
import type { AddressLimits } from '../limits/address-ledger.js';
import type { AnswerRow, LedgerBackend, ReportRow } from '../limits/synced-address-ledger.js';
import { MemoryLedgerBackend } from '../limits/synced-address-ledger.js';

/** Worker → primary: this worker's rows; primary → worker: the answer for the same id. */
export type LedgerMessage = {
  t: 'ledger';
  id: number;
  rows: ReportRow[] | AnswerRow[];
  limits?: AddressLimits;
};

export const isLedgerMessage = (m: unknown): m is LedgerMessage =>
  typeof m === 'object' && m !== null && (m as { t?: unknown }).t === 'ledger';

/** How often workers exchange per-address counts with the primary. */
export const CLUSTER_LEDGER_SYNC_MS = 250;

/** The worker's side: an exchange is one IPC round trip to the primary. */
export class IpcLedgerBackend implements LedgerBackend {
  private next = 1;
  private readonly waiting = new Map<number, (rows: AnswerRow[]) => void>();

  constructor(private readonly send: (message: LedgerMessage) => void) {}

  /** Hand every message from the primary here; the ledger's answers are taken, others ignored. */
  receive(message: unknown): void {
    if (!isLedgerMessage(message)) return;
    const resolve = this.waiting.get(message.id);
    this.waiting.delete(message.id);
    resolve?.(message.rows as AnswerRow[]);
  }

  exchange(_participant: string, rows: ReportRow[], limits: AddressLimits): Promise<AnswerRow[]> {
    const id = this.next++;
    return new Promise((resolve, reject) => {
      // A primary that does not answer (it is exiting) must not leave the exchange hanging.
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error('the primary did not answer the ledger exchange'));
      }, 5000);
      timer.unref();
      this.waiting.set(id, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      this.send({ t: 'ledger', id, rows, limits });
    });
  }
}

/** The primary's side: one backend for all workers, answering each worker's exchange. */
export class PrimaryLedger {
  // Four missed exchanges: the worker is stuck or gone.
  readonly backend = new MemoryLedgerBackend(CLUSTER_LEDGER_SYNC_MS * 4);

  answer(worker: number, message: LedgerMessage, reply: (m: LedgerMessage) => void): void {
    if (!message.limits) return;
    const rows = this.backend.exchangeNow(String(worker), message.rows as ReportRow[], message.limits);
    reply({ t: 'ledger', id: message.id, rows });
  }

  leave(worker: number): void {
    this.backend.forget(String(worker));
  }
}
