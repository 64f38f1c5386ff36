// The view options shared by `read` and the live commands (`capture`, `tap`, `demo`): which
// view (--format, -A, -X), where it goes (-o), and how the text view looks; and the View they
// open (src/wire/render/view.ts), set up from them.
import { intOption, type OptionSpec, type ParsedArgs } from '../shared/args.js';
import { UsageError } from '../shared/errors.js';
import { safeLine } from '../shared/terminal-text.js';
import { MIN_MAX_MEMORY, parseSize } from '../wire/budget/memory-budget.js';
import { View, type ViewFormat, type ViewSettings } from '../wire/render/view.js';
import { flushOrDrop } from './stop-signals.js';

export type { ViewFormat } from '../wire/render/view.js';

/** --format, -o, -A and -X. */
export const formatOptions: Record<string, OptionSpec> = {
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
  // Not view options, but every command that decodes takes the views' options.
  'no-chat': {
    type: 'boolean',
    description:
      'do not read messages as chat frames (no `chat` field in jsonl, no chat meaning in text and html): for WebSocket apps other than this chat',
  },
  'max-memory': {
    type: 'string',
    value: 'SIZE',
    description:
      'memory budget of the decoder (e.g. 200M, 1G); past it the oldest state is evicted and reported',
    env: 'WIRECHAT_MAX_MEMORY',
    default: '96M',
  },
};

/** Whether messages are read as chat frames (not with --no-chat). */
export function parseChat(values: ParsedArgs['values']): boolean {
  return values['no-chat'] !== true;
}

/** --max-memory in bytes (K, M, G suffixes are powers of 1024). */
export function parseMaxMemory(values: ParsedArgs['values']): number {
  const raw = String(values['max-memory'] ?? '96M');
  const n = parseSize(raw);
  if (n === undefined || n < MIN_MAX_MEMORY)
    throw new UsageError(
      `--max-memory must be a size of at least 1M (e.g. 200M, 1G, or bytes), got '${raw}'`,
    );
  return n;
}

/** How the text view looks. */
export const displayOptions: Record<string, OptionSpec> = {
  'no-acks': { type: 'boolean', description: 'text view: hide segments that only acknowledge' },
  'no-tcp': { type: 'boolean', description: 'text view: hide every TCP segment line' },
  utc: { type: 'boolean', description: 'print times in UTC instead of local time' },
  'time-stamp-precision': {
    type: 'string',
    value: 'micro|nano',
    description: "digits of packet times, as tcpdump's option",
    default: 'micro',
  },
  'no-color': { type: 'boolean', description: 'no colours (also NO_COLOR=1; colours only on a terminal)' },
};

/**
 * The view chosen. -A and -X mean the tcpdump view: with the default --format (text) they
 * switch to it; a --format given on the command line (`argv`, when known) must then be tcpdump.
 */
export function parseFormat(values: ParsedArgs['values'], argv?: string[]): ViewFormat {
  const format = String(values.format ?? 'text');
  if (format !== 'text' && format !== 'tcpdump' && format !== 'jsonl' && format !== 'html') {
    throw new UsageError(`--format must be text, tcpdump, jsonl or html, got '${format}'`);
  }
  if (values.A || values.X) {
    const explicit = argv?.some((a) => a === '-f' || a.startsWith('--format') || /^-f./.test(a)) ?? false;
    if (format !== 'tcpdump' && (format !== 'text' || explicit))
      throw new UsageError(`-A and -X belong to the tcpdump view, not --format ${format}`);
    if (values.A && values.X) throw new UsageError('choose one of -A and -X');
    return 'tcpdump';
  }
  return format;
}

/** --time-stamp-precision: micro (tcpdump's default: microseconds, truncated) or nano. */
export function parsePrecision(values: ParsedArgs['values']): 'micro' | 'nano' {
  const p = String(values['time-stamp-precision'] ?? 'micro');
  if (p !== 'micro' && p !== 'nano')
    throw new UsageError(`--time-stamp-precision must be micro or nano, got '${p}'`);
  return p;
}

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

/** What the command itself knows of its view (the rest comes from the options). */
export type ViewWiring = Pick<
  ViewSettings,
  'keepEvent' | 'flush' | 'onReaderGone' | 'onBackpressure' | 'stdout' | 'stderr'
> & {
  /** The html page's title and source line (made safe to show here). */
  title: string;
  source: string;
  /** The command line, to tell a --format given from the default (see parseFormat). */
  argv?: string[];
  /** text view: most characters of a message body shown (default 2000). */
  maxBodyChars?: number;
};

/**
 * The View the options ask for; it opens the -o file, so a bad path is one clear line before
 * anything starts. A bad --time-stamp-precision is a usage error whatever the view.
 */
export function openView(values: ParsedArgs['values'], wiring: ViewWiring): View {
  const { title, source, argv, maxBodyChars, ...rest } = wiring;
  const settings: ViewSettings = {
    ...rest,
    format: parseFormat(values, argv),
    title: safeLine(title),
    source: safeLine(source),
    quiet: values.quiet === true,
    noColor: values['no-color'] === true,
    lines: {
      utc: values.utc === true,
      precision: parsePrecision(values),
      dump: values.X ? 'X' : 'A',
      hideAcks: values['no-acks'] === true,
      hideTcp: values['no-tcp'] === true,
      maxBodyChars,
    },
    flushOnStop: flushOrDrop,
  };
  if (typeof values.output === 'string') settings.output = values.output;
  if (values['output-buffer'] !== undefined)
    settings.outputBuffer = intOption(values, 'output-buffer', 0, 2 ** 31);
  return new View(settings);
}
