// Ctrl-C for the decoding commands (read, capture, tap, demo): the first SIGINT (or SIGTERM) asks the command to stop in order
// (sources closed, summary printed); a second one exits at once, whatever is still pending.
import type { Writable } from 'node:stream';

/** Exit status of a second signal, as a shell reports a process killed by it (128 + n). */
const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

type StopSignal = 'SIGINT' | 'SIGTERM';
interface HeldSignal {
  signal: StopSignal | undefined;
  handler: (signal: StopSignal) => void;
}
let early: HeldSignal | undefined;

/**
 * Holds a Ctrl-C that comes while a command is still loading (its modules, its server): without
 * this, a signal in the first ~100 ms kills the process silently. The command's own handler
 * (`onStopSignal`) takes it over and stops at once, so the run still ends with its summary.
 */
export function holdStopSignals(): void {
  if (early) return;
  const held: HeldSignal = {
    signal: undefined,
    handler: (signal: StopSignal) => {
      if (held.signal) process.exit(SIGNAL_EXIT[signal]);
      held.signal = signal;
    },
  };
  early = held;
  process.on('SIGINT', held.handler);
  process.on('SIGTERM', held.handler);
}

/** Removes the early handler; returns the signal it held, if one came. */
function releaseHeldSignal(): StopSignal | undefined {
  if (!early) return undefined;
  process.off('SIGINT', early.handler);
  process.off('SIGTERM', early.handler);
  const signal = early.signal;
  early = undefined;
  return signal;
}

/**
 * Calls `stop` on the first SIGINT/SIGTERM (also one held by `holdStopSignals` before: then soon
 * after this returns); returns a function that removes the handlers.
 */
export function onStopSignal(stop: () => void): () => void {
  let stopping = false;
  const held = releaseHeldSignal();
  if (held) {
    stopping = true;
    setImmediate(stop);
  }
  const handler = (signal: 'SIGINT' | 'SIGTERM'): void => {
    if (stopping) process.exit(SIGNAL_EXIT[signal]);
    stopping = true;
    stop();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/**
 * After Ctrl-C, how long the rest of the output may take to reach its reader. A reader that takes
 * nothing in that time is not reading at all (`| sleep`): its output is dropped so the command
 * ends, as Ctrl-C asked.
 */
const STOP_FLUSH_MS = 1000;
/** Then the time left for the command to finish (close an -w file) before the process exits. */
const STOP_EXIT_MS = 500;

/**
 * Waits up to STOP_FLUSH_MS for stdout to take what it holds. A reader that takes nothing (the
 * pipe is full and nobody reads it) would keep the process alive for ever, and Node cannot close
 * its stdout: the process then exits as soon as the command has finished (with the status it set;
 * a timer that holds nothing alive by itself, so an ordinary exit comes first).
 */
export async function flushOrDrop(stdout: Writable): Promise<void> {
  // Polled: 'drain' only comes after a write that found the buffer full.
  for (let waited = 0; waited < STOP_FLUSH_MS; waited += 20) {
    if (stdout.writableLength === 0 || stdout.destroyed) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  if (stdout.writableLength > 0) setTimeout(() => process.exit(), STOP_EXIT_MS).unref();
}
