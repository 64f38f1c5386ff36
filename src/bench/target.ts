// Starts a bench target in a child process and gives the coordinator its URL, RSS and close().
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { UserError } from '../shared/errors.js';
import type { TargetEvent, TargetName } from './target-process.js';

export const TARGETS: readonly TargetName[] = ['wirechat', 'naive', 'limit'];
export type { TargetName };

export interface StartedTarget {
  name: TargetName;
  url: string;
  pid: number;
  /** The target process's resident set size in bytes, after a full GC. */
  rss(): Promise<number>;
  /** CPU time (user + system) the target process has used so far, in ms. */
  cpuMs(): Promise<number>;
  close(): Promise<void>;
}

const PROCESS_PATH = fileURLToPath(new URL('./target-process.js', import.meta.url));

export function startTarget(name: TargetName, timeoutMs = 30_000): Promise<StartedTarget> {
  const child = fork(PROCESS_PATH, [name], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    serialization: 'json',
  });
  const next = (ev: TargetEvent['ev']): Promise<TargetEvent> =>
    new Promise((resolve, reject) => {
      const onMessage = (msg: TargetEvent): void => {
        if (msg.ev !== ev && msg.ev !== 'failed') return;
        cleanup();
        resolve(msg);
      };
      const onExit = (code: number | null): void => {
        cleanup();
        reject(new UserError(`the ${name} target exited (code ${code})`, 'TARGET_DIED'));
      };
      const cleanup = (): void => {
        child.off('message', onMessage);
        child.off('exit', onExit);
      };
      child.on('message', onMessage);
      child.on('exit', onExit);
    });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return next('ready').then(
    (ready) => {
      clearTimeout(timer);
      if (ready.ev === 'failed') {
        child.kill();
        throw new UserError(`cannot start the ${name} target: ${ready.message}`, ready.code);
      }
      const { port, pid } = ready as { port: number; pid: number };
      return {
        name,
        url: `ws://127.0.0.1:${port}/`,
        pid,
        rss: async () => {
          const answer = next('rss');
          child.send({ cmd: 'rss' });
          const e = await answer;
          return e.ev === 'rss' ? e.rss : 0;
        },
        cpuMs: async () => {
          const answer = next('cpu');
          child.send({ cmd: 'cpu' });
          const e = await answer;
          return e.ev === 'cpu' ? e.cpuMs : 0;
        },
        close: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.send({ cmd: 'close' });
          const kill = setTimeout(() => child.kill('SIGKILL'), 5000);
          await exited;
          clearTimeout(kill);
        },
      };
    },
    (err: Error) => {
      clearTimeout(timer);
      throw err;
    },
  );
}
