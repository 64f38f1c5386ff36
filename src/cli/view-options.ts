// The view options shared by `read` and the live commands (`capture`, `tap`, `demo`): which
// view (--format, -A, -X), where it goes (-o), and how the text view looks.
import type { OptionSpec, ParsedArgs } from '../shared/args.js';
import type { WireEvent } from '../wire/events.js';
import { createTcpdumpRenderer } from '../wire/render/tcpdump.js';
import { createTextRenderer } from '../wire/render/text.js';
import { UsageError } from '../shared/errors.js';
import { MIN_MAX_MEMORY, parseSize } from '../wire/budget/memory-budget.js';

export type ViewFormat = 'text' | 'tcpdump' | 'jsonl' | 'html';

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
  // Not a view option, but every command that decodes takes the views' options.
  'max-memory': {
    type: 'string',
    value: 'SIZE',
    description:
      'memory budget of the decoder (e.g. 200M, 1G); past it the oldest state is evicted and reported',
    env: 'WIRECHAT_MAX_MEMORY',
    default: '96M',
  },
};

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

/**
 * The tcpdump or text view as a function of each batch of events, set up from the shared
 * options (-X, --utc, --time-stamp-precision, --no-acks, --no-tcp). `color` is the caller's
 * call (it depends on where the output goes); `maxBodyChars` as in createTextRenderer.
 */
export function createLineView(
  format: 'tcpdump' | 'text',
  values: ParsedArgs['values'],
  color: boolean,
  maxBodyChars?: number,
): (events: WireEvent[]) => string {
  const utc = values.utc === true;
  const precision = parsePrecision(values);
  const r =
    format === 'tcpdump'
      ? createTcpdumpRenderer({ dump: values.X ? 'X' : 'A', utc, precision })
      : createTextRenderer({
          color,
          utc,
          precision,
          hideAcks: values['no-acks'] === true,
          hideTcp: values['no-tcp'] === true,
          maxBodyChars,
        });
  return (events) => r.render(events);
}
