// The output side shared by `capture`, `tap` and `demo`: picks the view for --format, writes each
// batch of events as soon as it is decoded (text, tcpdump, jsonl), or the whole page at the end
// (html), and prints the summary last.
import { createWriteStream, openSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import type { ParsedArgs, OptionSpec } from '../shared/args.js';
import { UsageError, UserError } from '../shared/errors.js';
import type { SummaryEvent, WireEvent } from '../wire/events.js';
import { renderJsonl, eventToJson } from '../wire/render/jsonl.js';
import { createTextRenderer, formatSummary } from '../wire/render/text.js';
import { createTcpdumpRenderer } from '../wire/render/tcpdump.js';
import { createHtmlRenderer } from '../wire/render/html-ladder.js';

export type LiveFormat = 'text' | 'tcpdump' | 'jsonl' | 'html';

/** Options every live command takes (merged into its CommandSpec). */
export const viewOptions: Record<string, OptionSpec> = {
  format: {
    type: 'string',
    short: 'f',
    value: 'FORMAT',
    description: 'text, tcpdump, jsonl or html',
    default: 'text',
  },
  output: {
    type: 'string',
    short: 'o',
    value: 'FILE',
    description: 'write the view to FILE instead of stdout',
  },
  A: { type: 'boolean', short: 'A', description: "tcpdump view with each packet in ASCII (tcpdump's -A)" },
  X: {
    type: 'boolean',
    short: 'X',
    description: "tcpdump view with each packet in hex and ASCII (tcpdump's -X)",
  },
  'no-acks': { type: 'boolean', description: 'text view: hide segments that only acknowledge' },
  'no-tcp': { type: 'boolean', description: 'text view: hide every TCP segment line' },
  utc: { type: 'boolean', description: 'print times in UTC instead of local time' },
  'no-color': { type: 'boolean', description: 'no colours (also NO_COLOR=1; colours only on a terminal)' },
  quiet: { type: 'boolean', short: 'q', description: 'no summary on stderr' },
};

export function parseFormat(values: ParsedArgs['values']): LiveFormat {
  if (values.A && values.X) throw new UsageError('choose one of -A and -X');
  const format = String(values.format ?? 'text');
  if (values.A || values.X) {
    if (format !== 'text' && format !== 'tcpdump')
      throw new UsageError(`-A and -X belong to the tcpdump view, not --format ${format}`);
    return 'tcpdump';
  }
  if (format !== 'text' && format !== 'tcpdump' && format !== 'jsonl' && format !== 'html') {
    throw new UsageError(`--format must be text, tcpdump, jsonl or html, got '${format}'`);
  }
  return format;
}

/** Opens an output file now, so a bad path is one clear line before anything starts. */
export function openOutput(path: string): number {
  try {
    return openSync(path, 'w');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new UserError(`cannot write ${path} (${code})`, 'OUTPUT_FAILED', 2);
  }
}

export interface LiveView {
  readonly format: LiveFormat;
  /** Whether the decoder must attach frame payloads (tcpdump and html views). */
  readonly needsPayloads: boolean;
  write(events: WireEvent[]): void;
  /** Writes the summary (and, for html, the page) and closes an output file. */
  end(summary: SummaryEvent): Promise<void>;
}

export interface LiveViewSettings {
  title: string;
  source: string;
  /** Where the view goes when -o is not given (default process.stdout). */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** Called once when the reader of stdout went away (`| head`): the command should stop. */
  onOutputClosed?: () => void;
}

export function createLiveView(values: ParsedArgs['values'], settings: LiveViewSettings): LiveView {
  const format = parseFormat(values);
  const stdout = settings.stdout ?? process.stdout;
  const stderr = settings.stderr ?? process.stderr;
  let file: WriteStream | undefined;
  if (typeof values.output === 'string' && values.output !== '-') {
    file = createWriteStream('', { fd: openOutput(values.output) });
    file.on('error', () => undefined);
  }
  const out: NodeJS.WritableStream = file ?? stdout;
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
  const color =
    format === 'text' && tty && !values['no-color'] && !process.env.NO_COLOR && process.env.TERM !== 'dumb';
  const utc = values.utc === true;

  let render: (events: WireEvent[]) => string;
  const html =
    format === 'html' ? createHtmlRenderer({ title: settings.title, source: settings.source }) : undefined;
  if (html) render = (events) => html.render(events);
  else if (format === 'jsonl') render = renderJsonl;
  else if (format === 'tcpdump') {
    const r = createTcpdumpRenderer({ dump: values.X ? 'X' : 'A', utc });
    render = (events) => r.render(events);
  } else {
    const r = createTextRenderer({
      color,
      utc,
      hideAcks: values['no-acks'] === true,
      hideTcp: values['no-tcp'] === true,
    });
    render = (events) => r.render(events);
  }

  return {
    format,
    needsPayloads: format === 'tcpdump' || format === 'html',
    write(events) {
      const text = render(events);
      // One write per batch: the terminal sees each decoded packet as soon as it arrived.
      if (text && !closed) out.write(text);
    },
    async end(summary) {
      if (closed) return;
      if (html) out.write(html.finish(summary));
      if (format === 'jsonl') out.write(eventToJson(summary) + '\n');
      if (!values.quiet && (format !== 'jsonl' || (stderr as { isTTY?: boolean }).isTTY === true)) {
        stderr.write(formatSummary(summary) + '\n');
      }
      if (file) {
        file.end();
        try {
          await once(file, 'finish');
        } catch (err) {
          throw new UserError(
            `cannot write ${String(values.output)}: ${(err as Error).message}`,
            'OUTPUT_FAILED',
            1,
          );
        }
      }
    },
  };
}
