// The end of every live tcpdump run (capture, demo): tcpdump's own statistics, and a line that
// cannot be missed when the kernel dropped packets, since the conversation then has holes.
import type { LiveCaptureResult } from '../wire/source/live-capture.js';
import { safeLine } from '../shared/terminal-text.js';

export interface CaptureReportContext {
  /** 'capture' or 'demo': the prefix of the lines. */
  command: string;
  /** --quiet: the statistics line is left out; a drop is still said. */
  quiet: boolean;
  /** The view's reader was slow at least once (the source was paused meanwhile). */
  readerWasSlow: boolean;
  /** The -B value in KiB, to say what to raise. */
  bufferKiB: number;
}

const plural = (n: number, one: string, many = `${one}s`): string =>
  `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;

/** The lines to print on stderr after a live capture ended (possibly none). */
export function captureReportLines(result: LiveCaptureResult, context: CaptureReportContext): string[] {
  const lines: string[] = [];
  if (!context.quiet) {
    lines.push(
      result.stats.length
        ? `tcpdump: ${result.stats.join(', ')}`
        : 'tcpdump: no statistics (it was stopped before it started capturing)',
    );
  }
  const dropped = result.droppedByKernel ?? 0;
  if (dropped > 0) {
    const why = context.readerWasSlow
      ? "the view's reader did not keep up, so tcpdump's output was not read meanwhile"
      : `the capture buffer overflowed (raise -B, now ${context.bufferKiB} KiB, or filter more narrowly)`;
    lines.push(
      `wirechat ${context.command}: WARNING: the kernel dropped ${plural(dropped, 'packet')}: the conversation has holes; ${why}`,
    );
  }
  return lines.map(safeLine);
}
