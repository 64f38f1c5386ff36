// Ctrl-C for the live commands: the first SIGINT (or SIGTERM) asks the command to stop in order
// (sources closed, summary printed); a second one exits at once, whatever is still pending.

/** Exit status of a second signal, as a shell reports a process killed by it (128 + n). */
const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

/** Calls `stop` on the first SIGINT/SIGTERM; returns a function that removes the handlers. */
export function onStopSignal(stop: () => void): () => void {
  let stopping = false;
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
