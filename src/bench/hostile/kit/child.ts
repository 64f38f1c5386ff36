// A forked helper process (the legitimate user, an attack swarm) spoken to over IPC: send a
// command, wait for the answer with the expected `ev`, fail clearly if the process dies.
import { fork, type ChildProcess } from 'node:child_process';
import { UserError } from '../../../shared/errors.js';

type Waiter = { ev: string; resolve: (e: unknown) => void; reject: (e: Error) => void };

export class ChildHandle<Command extends object, Event extends { ev: string }> {
  readonly child: ChildProcess;
  private waiters: Waiter[] = [];
  exited = false;

  constructor(
    modulePath: string,
    private readonly label: string,
  ) {
    this.child = fork(modulePath, [], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      serialization: 'json',
    });
    this.child.on('message', (msg: Event) => {
      const i = this.waiters.findIndex((w) => w.ev === msg.ev);
      if (i >= 0) this.waiters.splice(i, 1)[0]!.resolve(msg);
    });
    this.child.on('exit', (code, signal) => {
      this.exited = true;
      const err = new UserError(`the ${label} process exited (${signal ?? `code ${code}`})`, 'HELPER_DIED');
      for (const w of this.waiters.splice(0)) w.reject(err);
    });
  }

  request<E extends Event>(cmd: Command, ev: E['ev'] | E['ev'][]): Promise<E> {
    const evs = Array.isArray(ev) ? ev : [ev];
    return new Promise<E>((resolve, reject) => {
      if (this.exited) {
        reject(new UserError(`the ${this.label} process is gone`, 'HELPER_DIED'));
        return;
      }
      // One waiter per accepted answer; the first to arrive settles, the others are dropped.
      const entries: Waiter[] = evs.map((e) => ({
        ev: e,
        resolve: (msg) => {
          this.waiters = this.waiters.filter((w) => !entries.includes(w));
          resolve(msg as E);
        },
        reject,
      }));
      this.waiters.push(...entries);
      this.child.send(cmd);
    });
  }

  send(cmd: Command): void {
    if (!this.exited) this.child.send(cmd);
  }

  /** Waits for the process to end; kills it after `limitMs`. */
  async ended(limitMs = 5000): Promise<void> {
    if (this.exited) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), limitMs);
    await exited;
    clearTimeout(timer);
  }
}
