// /metrics for `wirechat serve --workers N`. One scrape reaches whichever worker the primary
// hands the connection to, but a Prometheus user scrapes one target (host:port) and expects its
// numbers: the workers are an implementation detail sharing the ports. So the answering worker
// asks the primary, which asks every worker and sums (counters stay monotonic from one scrape to
// the next whoever answers; a per-worker label would make each series appear and vanish with the
// connection's luck). A worker that does not answer in time is left out of that scrape rather
// than holding it up.
import { emptyStats, sumStats, type NodeStats, type StatsGatherer } from '../ops/metrics.js';
import type { PrimaryMessage, WorkerMessage } from './messages.js';

/** How long the primary waits for the workers' numbers; the worker waits a little longer. */
export const GATHER_TIMEOUT_MS = 1000;

/** The worker's side: answers the primary's asks, and asks it when scraped. */
export class WorkerStats implements StatsGatherer {
  private read: () => NodeStats = emptyStats;
  private nextId = 1;
  private readonly pending = new Map<number, (stats: NodeStats) => void>();

  constructor(private readonly tell: (message: WorkerMessage) => void) {}

  local(read: () => NodeStats): void {
    this.read = read;
  }

  /** A message from the primary; anything but stats is not this class's business. */
  receive(message: PrimaryMessage): void {
    if (message?.t === 'stats-ask') this.tell({ t: 'stats', id: message.id, stats: this.read() });
    else if (message?.t === 'stats') this.pending.get(message.id)?.(message.stats);
  }

  private inFlight: Promise<NodeStats> | undefined;

  /** The whole server's numbers; asks made while one is on its way share it (one IPC round at a time). */
  gather(): Promise<NodeStats> {
    if (this.inFlight) return this.inFlight;
    const gathering = this.ask();
    this.inFlight = gathering;
    void gathering.then(() => {
      if (this.inFlight === gathering) this.inFlight = undefined;
    });
    return gathering;
  }

  private ask(): Promise<NodeStats> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      // Without the primary (it is gone or stuck) the scrape still answers, with this worker's own.
      const timer = setTimeout(() => done(this.read()), GATHER_TIMEOUT_MS * 2);
      const done = (stats: NodeStats): void => {
        clearTimeout(timer);
        this.pending.delete(id);
        resolve(stats);
      };
      this.pending.set(id, done);
      this.tell({ t: 'stats-ask', id });
    });
  }
}

export interface StatsWorker {
  id: number;
  send(message: PrimaryMessage): void;
}

/**
 * The primary's side: one gathering at a time, over the workers alive when it starts. Workers
 * that ask while it is on its way get its sum too, so however many scrapes arrive at once the
 * workers are asked for their numbers once.
 */
export class PrimaryStats {
  private nextId = 1;
  /** Gatherings started so far (for tests: concurrent asks share one). */
  started = 0;
  private readonly gatherings = new Map<
    number,
    { answers: NodeStats[]; waiting: Set<number>; askers: [StatsWorker, number][]; finish(): void }
  >();

  /** Worker `from` asks (scrape `id`): every worker in `workers` is asked, and the sum goes back. */
  ask(from: StatsWorker, id: number, workers: StatsWorker[]): void {
    const current = [...this.gatherings.values()][0];
    if (current) {
      current.askers.push([from, id]);
      return;
    }
    const gid = this.nextId++;
    this.started++;
    const answers: NodeStats[] = [];
    const waiting = new Set(workers.map((w) => w.id));
    const askers: [StatsWorker, number][] = [[from, id]];
    const finish = (): void => {
      clearTimeout(timer);
      this.gatherings.delete(gid);
      const stats = sumStats(answers);
      for (const [asker, askId] of askers) asker.send({ t: 'stats', id: askId, stats });
    };
    const timer = setTimeout(finish, GATHER_TIMEOUT_MS);
    this.gatherings.set(gid, { answers, waiting, askers, finish });
    for (const worker of workers) worker.send({ t: 'stats-ask', id: gid });
    if (waiting.size === 0) finish();
  }

  /** Worker `from`'s numbers for gathering `id` (late or unknown answers are dropped). */
  answer(from: number, id: number, stats: NodeStats): void {
    const gathering = this.gatherings.get(id);
    if (!gathering || !gathering.waiting.delete(from)) return;
    gathering.answers.push(stats);
    if (gathering.waiting.size === 0) gathering.finish();
  }

  /** A worker is gone: nobody waits for its answer. */
  leave(worker: number): void {
    for (const gathering of [...this.gatherings.values()]) {
      if (gathering.waiting.delete(worker) && gathering.waiting.size === 0) gathering.finish();
    }
  }
}
