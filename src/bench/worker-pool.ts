// The coordinator's side of the client processes: forks them, sends each a command and waits
// for the matching answer from every one, failing clearly if a process dies.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { UserError } from '../shared/errors.js';
import type { TickEvent, WorkerCommand, WorkerEvent } from './worker-protocol.js';

const WORKER_PATH = fileURLToPath(new URL('./load-worker.js', import.meta.url));

type Waiter = { ev: string; resolve: (e: WorkerEvent) => void; reject: (e: Error) => void };

class WorkerHandle {
  readonly child: ChildProcess;
  private waiters: Waiter[] = [];
  lastTick: TickEvent = { ev: 'tick', delivered: 0, sent: 0, open: 0 };
  exited = false;

  constructor() {
    this.child = fork(WORKER_PATH, [], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'json',
    });
    this.child.on('message', (msg: WorkerEvent) => {
      if (msg.ev === 'tick') {
        this.lastTick = msg;
        return;
      }
      const i = this.waiters.findIndex((w) => w.ev === msg.ev);
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(msg);
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      const err = new UserError(
        `a bench client process exited unexpectedly (${signal ?? `code ${code}`})`,
        'CLIENT_PROCESS_DIED',
      );
      for (const w of this.waiters.splice(0)) w.reject(err);
    });
  }

  request<E extends WorkerEvent>(cmd: WorkerCommand, ev: E['ev']): Promise<E> {
    return new Promise<E>((resolve, reject) => {
      if (this.exited) {
        reject(new UserError('a bench client process is gone', 'CLIENT_PROCESS_DIED'));
        return;
      }
      this.waiters.push({ ev, resolve: resolve as (e: WorkerEvent) => void, reject });
      this.child.send(cmd);
    });
  }
}

export class WorkerPool {
  readonly workers: WorkerHandle[];

  constructor(count: number) {
    this.workers = Array.from({ length: count }, () => new WorkerHandle());
  }

  /** Sends a command built per worker and waits for every answer. */
  all<E extends WorkerEvent>(build: (index: number) => WorkerCommand | null, ev: E['ev']): Promise<E[]> {
    return Promise.all(
      this.workers.map((w, i) => {
        const cmd = build(i);
        return cmd ? w.request<E>(cmd, ev) : Promise.resolve(null as unknown as E);
      }),
    ).then((list) => list.filter((e) => e !== null));
  }

  /** Latest progress counters summed over the processes. */
  ticks(): { delivered: number; sent: number; open: number } {
    const sum = { delivered: 0, sent: 0, open: 0 };
    for (const w of this.workers) {
      sum.delivered += w.lastTick.delivered;
      sum.sent += w.lastTick.sent;
      sum.open += w.lastTick.open;
    }
    return sum;
  }

  /** Asks every process to close its connections and exit; kills what lingers. */
  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(async (w) => {
        if (w.exited) return;
        const exited = new Promise<void>((resolve) => w.child.once('exit', () => resolve()));
        try {
          w.child.send({ cmd: 'close' });
        } catch {
          // Channel already closed: the kill below covers it.
        }
        const timer = setTimeout(() => w.child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}
