// The output side shared by `capture`, `tap` and `demo`: picks the view for --format, writes each
// batch of events as soon as it is decoded (text, tcpdump, jsonl), or the whole page at the end
// (html), and prints the summary last.
//
// The view never buffers without bound: when its reader is slow (a terminal scrolling, `| less`
// not reading), output waiting past --output-buffer pauses the source (the tap stops reading its
// sockets, so the relay slows; capture stops reading tcpdump, so tcpdump and the kernel drop and
// say so) until the output has drained.
import type { Writable } from 'node:stream';
import { intOption, type ParsedArgs, type OptionSpec } from '../shared/args.js';
import type { SummaryEvent, WireEvent } from '../wire/events.js';
import { renderJsonl, eventToJson } from '../wire/render/jsonl.js';
import { formatSummary } from '../wire/render/text.js';
import { createHtmlRenderer } from '../wire/render/html-ladder.js';
import { openOutputFile, type OutputFile } from './output-file.js';
import { flushOrDrop } from './stop-signals.js';
import { safeLine } from '../shared/terminal-text.js';
import {
  displayOptions,
  formatOptions,
  parseFormat,
  createLineView,
  parsePrecision,
  type ViewFormat,
} from './view-options.js';

export type LiveFormat = ViewFormat;

/** Options every live command takes (merged into its CommandSpec). */
export const viewOptions: Record<string, OptionSpec> = {
  ...formatOptions,
  ...displayOptions,
  quiet: { type: 'boolean', short: 'q', description: 'no summary on stderr' },
  'output-buffer': {
    type: 'string',
    value: 'BYTES',
    description: 'view output held for a slow reader before the source is paused',
    default: '1048576',
  },
};

export interface LiveView {
  readonly format: LiveFormat;
  /** Whether the decoder must attach frame payloads (tcpdump and html views). */
  readonly needsPayloads: boolean;
  write(events: WireEvent[]): void;
  /** true while the output waits for its reader past --output-buffer (the source is paused). */
  readonly blocked: boolean;
  /** true once the source has been paused at least once. */
  readonly pausedOnce: boolean;
  /**
   * Writes the summary (and, for html, the page) and closes an output file. `interrupted` (Ctrl-C):
   * output a reader does not take within a second is dropped instead of waited for.
   */
  end(summary: SummaryEvent, interrupted?: boolean): Promise<void>;
  /** The run failed: an -o file is thrown away and the file that was there stays as it was. */
  discard(): void;
}

export interface LiveViewSettings {
  title: string;
  source: string;
  /** Where the view goes when -o is not given (default process.stdout). */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** Called once when the reader of stdout went away (`| head`): the command should stop. */
  onOutputClosed?: () => void;
  /** Called with true when the source must pause (output past --output-buffer), false to resume. */
  onBackpressure?: (paused: boolean) => void;
}

export function createLiveView(values: ParsedArgs['values'], settings: LiveViewSettings): LiveView {
  const format = parseFormat(values);
  const stdout = settings.stdout ?? process.stdout;
  const stderr = settings.stderr ?? process.stderr;
  let output: OutputFile | undefined;
  if (typeof values.output === 'string' && values.output !== '-') output = openOutputFile(values.output);
  const file = output?.stream;
  const out = (file ?? stdout) as Writable;
  const outputBuffer = intOption(values, 'output-buffer', 0, 2 ** 31);
  // A closed pipe ends the run quietly: the reader wanted no more.
  let closed = false;
  if (!file) {
    stdout.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      if (!closed) settings.onOutputClosed?.();
      closed = true;
    });
  }
  const tty = !file && (stdout as { isTTY?: boolean }).isTTY === true;
  parsePrecision(values); // a bad value is a usage error whatever the view
  const color =
    format === 'text' && tty && !values['no-color'] && !process.env.NO_COLOR && process.env.TERM !== 'dumb';

  let blocked = false;
  let pausedOnce = false;
  // Every piece of output goes through here: past the limit, the source is paused until the
  // stream has written everything it holds ('drain').
  const emit = (piece: string | Buffer): void => {
    if (closed || piece.length === 0) return;
    if (out.write(piece) || blocked || out.writableLength < outputBuffer) return;
    blocked = true;
    pausedOnce = true;
    settings.onBackpressure?.(true);
    out.once('drain', () => {
      blocked = false;
      if (!closed) settings.onBackpressure?.(false);
    });
  };

  let render: (events: WireEvent[]) => string;
  // The page is streamed as packets arrive: a long capture's rows never wait in memory.
  const html =
    format === 'html'
      ? createHtmlRenderer({
          title: safeLine(settings.title),
          source: safeLine(settings.source),
          out: (piece) => emit(piece),
        })
      : undefined;
  if (format === 'html') render = (events) => html!.render(events);
  else if (format === 'jsonl') render = renderJsonl;
  else render = createLineView(format, values, color);

  return {
    format,
    needsPayloads: format === 'tcpdump' || format === 'html',
    get blocked() {
      return blocked;
    },
    get pausedOnce() {
      return pausedOnce;
    },
    write(events) {
      // One write per batch: the terminal sees each decoded packet as soon as it arrived.
      emit(render(events));
    },
    async end(summary, interrupted = false) {
      if (closed) return;
      // The page goes out in pieces, as it is built: a long capture's page is never one string.
      if (html) html.writePage((piece) => void (closed || out.write(piece)), summary);
      if (format === 'jsonl') out.write(eventToJson(summary) + '\n');
      if (!values.quiet && (format !== 'jsonl' || (stderr as { isTTY?: boolean }).isTTY === true)) {
        stderr.write(formatSummary(summary) + '\n');
      }
      if (output) await output.commit();
      else if (interrupted) await flushOrDrop(stdout as Writable);
    },
    discard() {
      output?.discard();
    },
  };
}
