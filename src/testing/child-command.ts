// Runs a `wirechat` subcommand (capture, tap, demo, …) as a child process through the real
// bin/wirechat.js, for tests and benchmarks that need real signals (SIGINT) and real stdout: waits
// for a line on stderr, collects output, stops it. Only the CLI knows the subcommands.
import { spawn, type ChildProcess } from 'node:child_process';
import { wirechatBin } from '../shared/paths.js';

export interface ChildCommand {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves when stderr (or stdout) matches; rejects if the process exits first or after limitMs. */
  waitFor(
    pattern: RegExp | ((text: string) => boolean),
    stream?: 'stderr' | 'stdout',
    limitMs?: number,
  ): Promise<void>;
  /** Sends SIGINT (Ctrl-C). */
  interrupt(): void;
  /** The exit code (signal exits give 128+n). */
  readonly exited: Promise<number>;
}

export function startChildCommand(
  name: string,
  args: string[],
  onStdout?: (chunk: string) => void,
): ChildCommand {
  const child = spawn(process.execPath, [wirechatBin, name, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const waiters = new Set<() => void>();
  const poke = (): void => {
    for (const w of [...waiters]) w();
  };
  child.stdout!.setEncoding('utf8');
  child.stderr!.setEncoding('utf8');
  child.stdout!.on('data', (s: string) => {
    out += s;
    onStdout?.(s);
    poke();
  });
  child.stderr!.on('data', (s: string) => {
    err += s;
    poke();
  });
  const exited = new Promise<number>((resolve) =>
    child.once('close', (code, signal) => {
      resolve(code ?? (signal === 'SIGINT' ? 130 : 128));
      poke();
    }),
  );
  let done = false;
  void exited.then(() => (done = true));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    interrupt: () => {
      child.kill('SIGINT');
    },
    waitFor(pattern, stream = 'stderr', limitMs = 20_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no ${String(pattern)} on ${stream} within ${limitMs} ms; stderr: ${err}`));
        }, limitMs);
        const check = (): void => {
          const text = stream === 'stderr' ? err : out;
          if (typeof pattern === 'function' ? pattern(text) : pattern.test(text)) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve();
          } else if (done) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Error(`exited before ${String(pattern)}; stderr: ${err}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}
