// `wirechat read FILE|-`: decodes a pcap/pcapng capture into the WebSocket conversation.
// Only wiring lives here: options, the input stream, the chosen view, stdout and stderr.
import { basename } from 'node:path';
import { createReadStream, statSync, type WriteStream } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { parseCommandArgs, intOption, type CommandSpec, type ParsedArgs } from '../shared/args.js';
import { UsageError, UserError } from '../shared/errors.js';
import { safeLine } from '../shared/terminal-text.js';
import { createCaptureDecoder, type CaptureDecoderOptions } from '../wire/decode-capture.js';
import type { DecodeProblemEvent, SummaryEvent } from '../wire/events.js';
import { writeJsonl } from '../wire/render/jsonl.js';
import { ByteOutput } from '../wire/render/byte-output.js';
import { formatSummary } from '../wire/render/text.js';
import { createHtmlRenderer } from '../wire/render/html-ladder.js';
import { createEventFilter, EVENT_NAMES } from '../wire/render/event-filter.js';
import { openOutputFile, type OutputFile } from './output-file.js';
import {
  createLineView,
  displayOptions,
  formatOptions,
  parseFormat,
  parseMaxMemory,
  parsePrecision,
} from './view-options.js';
import { createProgress } from './read-progress.js';
import { flushOrDrop, onStopSignal } from './stop-signals.js';
import { loadTlsOptions, tlsReadOptions } from './tls-options.js';

export const readSpec: CommandSpec = {
  name: 'read',
  usage: '[options] FILE|-',
  summary: 'Decode a pcap or pcapng capture (a file, or - for stdin) into TCP, HTTP and WebSocket events.',
  allowPositionals: true,
  options: {
    read: {
      type: 'string',
      short: 'r',
      value: 'FILE',
      description: 'the capture to read, as tcpdump -r takes it (or FILE without -r)',
    },
    ...formatOptions,
    port: {
      type: 'string',
      short: 'p',
      value: 'N[,N…]',
      multiple: true,
      description: 'only connections with this port (repeatable)',
    },
    host: {
      type: 'string',
      value: 'IP[,IP…]',
      multiple: true,
      description: 'only connections with this address (repeatable)',
    },
    ...displayOptions,
    events: {
      type: 'string',
      value: 'NAME[,NAME…]',
      multiple: true,
      description: "jsonl view: only these events (e.g. ws.message,ws.close; 'ws' = every ws.* event)",
    },
    full: { type: 'boolean', description: 'text view: show whole messages (default: first 2000 characters)' },
    quiet: { type: 'boolean', short: 'q', description: 'no summary and no progress bar on stderr' },
    'max-message-bytes': {
      type: 'string',
      value: 'BYTES',
      description: 'largest WebSocket message kept whole (default 67108864)',
    },
    ...tlsReadOptions,
  },
  epilog: [
    'Views: text (the default) is a timeline like tcpdump with every packet explained and every',
    'message unmasked and inflated; tcpdump prints tcpdump -A/-X output plus the unmasked payload of',
    "client frames; jsonl prints one JSON event per line (see docs/jsonl.md), ending with a 'summary';",
    'html writes one self-contained page with the capture as a ladder diagram (best with -o FILE).',
    '',
    'Exit status: 0 when the capture was decoded (even with problems), 1 when the input is not a',
    'usable capture (missing, empty, garbage), 2 for a wrong option.',
    '',
    'Examples:',
    '  wirechat read chat.pcap',
    '  wirechat read --format jsonl --port 7272 chat.pcap | jq -r \'select(.event=="ws.message") | .text\'',
    '  wirechat read --format jsonl --events ws.message,ws.close chat.pcap',
    '  wirechat read --format html -o chat.html chat.pcap',
    '  tcpdump -i any -w - port 7272 | wirechat read -',
    '  SSLKEYLOGFILE=keys.log curl …; wirechat read --keylog keys.log wss.pcap   (wss:// decrypted)',
  ].join('\n'),
};

function listOption(values: ParsedArgs['values'], name: string): string[] {
  const raw = values[name];
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? [raw] : [];
  return items
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** `--events`: which jsonl events to print (all when not given). */
function parseEventFilter(
  values: ParsedArgs['values'],
  format: string,
): ((name: string) => boolean) | undefined {
  const names = listOption(values, 'events');
  if (names.length === 0) return undefined;
  if (format !== 'jsonl') throw new UsageError('--events applies to --format jsonl only');
  const filter = createEventFilter(names);
  if (filter.kind === 'unknown') {
    throw new UsageError(`--events: unknown event '${filter.name}' (one of ${EVENT_NAMES.join(', ')})`);
  }
  return filter.keep;
}

function parsePorts(values: ParsedArgs['values']): number[] {
  return listOption(values, 'port').map((p) => {
    const n = /^\d+$/.test(p) ? Number(p) : NaN;
    if (!Number.isInteger(n) || n < 1 || n > 65535)
      throw new UsageError(`--port must be from 1 to 65535, got '${p}'`);
    return n;
  });
}

function parseHosts(values: ParsedArgs['values']): string[] {
  return listOption(values, 'host').map((h) => {
    const bare = h.startsWith('[') && h.endsWith(']') ? h.slice(1, -1) : h;
    if (!/^[0-9a-fA-F.:]+$/.test(bare))
      throw new UsageError(`--host must be an IPv4 or IPv6 address, got '${h}'`);
    return bare.toLowerCase();
  });
}

/** Opens the input, turning the usual mistakes into one clear line. */
function openInput(path: string): { stream: Readable; size: number | undefined } {
  if (path === '-') return { stream: process.stdin, size: undefined };
  let size: number;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UserError(`${path}: is a directory, not a capture file`, 'IS_DIRECTORY');
    size = st.isFile() ? st.size : 0;
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path}: no such file`, 'FILE_NOT_FOUND');
    if (code === 'EACCES') throw new UserError(`${path}: permission denied`, 'FILE_NOT_READABLE');
    throw new UserError(`${path}: cannot read (${code ?? 'error'})`, 'FILE_NOT_READABLE');
  }
  return { stream: createReadStream(path, { highWaterMark: 1 << 20 }), size: size || undefined };
}

/** Where the view goes: stdout, or the file named by -o (opened before reading starts). */
interface Destination {
  stream: Writable;
  file: WriteStream | undefined;
  /** The -o file: renamed over the target only when the run succeeded. */
  output: OutputFile | undefined;
}

function openDestination(values: ParsedArgs['values']): Destination {
  if (typeof values.output === 'string' && values.output !== '-') {
    const output = openOutputFile(values.output);
    return { stream: output.stream, file: output.stream, output };
  }
  return { stream: process.stdout, file: undefined, output: undefined };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(readSpec, argv);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  // tcpdump's habit: `-r FILE` names the input as the FILE argument does.
  if (typeof values.read === 'string') {
    if (positionals.length > 0)
      throw new UsageError(`-r ${values.read} and FILE ${positionals[0]}: one input only`);
    positionals.push(values.read);
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? "missing FILE (or - for stdin); see 'wirechat read --help'"
        : `one FILE only, got ${positionals.length}`,
    );
  }
  const format = parseFormat(values, argv);
  const keepEvent = parseEventFilter(values, format);
  const decoderOptions: CaptureDecoderOptions = {
    ports: parsePorts(values),
    hosts: parseHosts(values),
    // Only the byte views show frame payloads; the others never pay for copying them.
    includeFramePayloads: format === 'tcpdump' || format === 'html',
    maxMemory: parseMaxMemory(values),
  };
  // --events: the decoder does not build the events nobody will print.
  if (keepEvent !== undefined) decoderOptions.events = keepEvent;
  if (values['max-message-bytes'] !== undefined) {
    decoderOptions.maxMessageBytes = intOption(values, 'max-message-bytes', 1024, 2 ** 31);
  }
  decoderOptions.tls = loadTlsOptions(values, values.quiet === true);
  const path = positionals[0]!;
  const { stream, size } = openInput(path);
  const dest = openDestination(values);
  try {
    return await readInto(dest, { values, path, format, keepEvent, decoderOptions, stream, size });
  } finally {
    // Whatever ended the run without a commit (an error, no capture at all): the old file stays.
    dest.output?.discard();
  }
}

interface ReadJob {
  values: ParsedArgs['values'];
  path: string;
  format: ReturnType<typeof parseFormat>;
  keepEvent: ReturnType<typeof parseEventFilter>;
  decoderOptions: CaptureDecoderOptions;
  stream: Readable;
  size: number | undefined;
}

async function readInto(dest: Destination, job: ReadJob): Promise<number> {
  const { values, path, format, keepEvent, decoderOptions, stream, size } = job;
  const env = process.env;
  const out = dest.stream;
  const toTerminal = dest.file === undefined && process.stdout.isTTY === true;
  parsePrecision(values); // a bad value is a usage error whatever the view
  const color =
    format === 'text' && toTerminal && !values['no-color'] && !env.NO_COLOR && env.TERM !== 'dumb';
  const quiet = values.quiet === true;

  // A closed pipe (`| head`) ends the run quietly: the reader wanted no more.
  let outputClosed = false;
  let outputError: Error | undefined;
  out.on('error', (err: NodeJS.ErrnoException) => {
    if (dest.file === undefined && err.code === 'EPIPE') outputClosed = true;
    else if (dest.file !== undefined) {
      outputError = err;
      outputClosed = true;
    } else throw err;
  });

  let needDrain = false;
  const write = (chunk: string | Buffer): void => {
    if (!outputClosed && chunk.length > 0 && !out.write(chunk)) needDrain = true;
  };

  // jsonl is encoded straight into output blocks; the other views return text per batch.
  // A block the stream wrote at once (a file or pipe on stdout) is free again: it is refilled.
  const bytes =
    format === 'jsonl' ? new ByteOutput(write, 1 << 20, () => out.writableLength === 0) : undefined;
  // The page is streamed: rows reach the output as they are decoded (memory stays bounded).
  const html =
    format === 'html'
      ? createHtmlRenderer({ title: pageName(path), source: pageName(path), out: write })
      : undefined;
  const render =
    format === 'tcpdump' || format === 'text'
      ? createLineView(format, values, color, values.full ? Number.MAX_SAFE_INTEGER : 2000)
      : undefined;

  /** The end of the view: the summary (jsonl: also on stdout), the page's end for html. */
  const finish = (summary: SummaryEvent): void => {
    if (bytes) {
      writeJsonl(bytes, summary);
      bytes.flush();
    }
    if (html) html.writePage(write, summary);
    const showSummary = !quiet && (format !== 'jsonl' || process.stderr.isTTY === true);
    if (showSummary) process.stderr.write(formatSummary(summary) + '\n');
  };
  /** After Ctrl-C: the summary of what was read when there was a capture at all, exit 130. */
  const endInterrupted = async (): Promise<number> => {
    const summary = decoder.end();
    if (decoder.usable && decoder.format !== undefined) finish(summary);
    // Reading stdin (a live `tcpdump -w -`), Ctrl-C is how the run ends: the view is kept. A
    // file's reading cut short leaves the old -o file as it was.
    if (dest.output && path === '-') await dest.output.commit().catch(() => dest.output?.discard());
    else if (dest.output) dest.output.discard();
    else await flushOrDrop(process.stdout);
    removeSignals();
    return 130;
  };

  let firstProblem: DecodeProblemEvent | undefined;
  const decoder = createCaptureDecoder(decoderOptions, (events) => {
    if (firstProblem === undefined)
      firstProblem = events.find((e): e is DecodeProblemEvent => e.event === 'decode.problem');
    // Input that is no capture at all gets its one line on stderr, not a view on stdout.
    if (outputClosed || !decoder.usable) return;
    if (bytes) {
      for (let i = 0; i < events.length; i++) {
        const event = events[i]!;
        if (keepEvent === undefined || keepEvent(event.event)) writeJsonl(bytes, event);
      }
    } else if (html) html.render(events);
    else write(render!(events));
  });

  const progress = createProgress({
    enabled: !quiet && process.stderr.isTTY === true && (dest.file !== undefined || !toTerminal),
    total: size,
  });
  let bytesRead = 0;
  // Ctrl-C ends the reading where it is (also while waiting for input or for the output to
  // drain) and the run ends with the summary of what was read, exit 130.
  let interrupted = false;
  let wake = (): void => undefined;
  const removeSignals = onStopSignal(() => {
    interrupted = true;
    stream.destroy();
    wake();
  });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytesRead += chunk.length;
      decoder.push(chunk);
      // Whatever a chunk decoded is written before the next is read: a live capture's lines
      // come out as soon as they are decoded.
      bytes?.flush();
      progress.update(bytesRead);
      // Garbage (a header that is no capture, a length that cannot be trusted) ends the run now:
      // reading the rest of /dev/zero or of an endless pipe would go on for ever.
      if (outputClosed || decoder.stopped || interrupted) break;
      if (needDrain) {
        needDrain = false;
        await new Promise<void>((resolve) => {
          const done = (): void => {
            wake = () => undefined;
            out.removeListener('drain', done);
            out.removeListener('error', done);
            resolve();
          };
          out.once('drain', done);
          out.once('error', done);
          wake = done;
        });
        if (outputClosed || interrupted) break;
      }
    }
  } catch (err) {
    progress.done();
    if (interrupted) return endInterrupted();
    if (outputClosed && !outputError) return 0;
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(`${path}: read failed (${code ?? (err as Error).message})`, 'READ_FAILED');
  } finally {
    // Past the reading, Ctrl-C is the default again (exit at once), unless it already came.
    if (!interrupted) removeSignals();
    if ((outputClosed || decoder.stopped) && stream !== process.stdin) stream.destroy();
  }
  progress.done();
  if (outputError) throw writeFailed(values, outputError);
  if (outputClosed) return 0;
  if (interrupted) return endInterrupted();

  const summary = decoder.end();
  if (bytesRead === 0) throw new UserError(`${path}: empty input, not a capture`, 'EMPTY_CAPTURE');
  if (!decoder.usable || decoder.format === undefined) {
    const why = firstProblem
      ? `${firstProblem.message} (${firstProblem.code})`
      : 'not a pcap or pcapng capture';
    throw new UserError(`${path}: ${why}`, firstProblem?.code ?? 'NOT_A_CAPTURE');
  }
  finish(summary);
  if (outputError) throw writeFailed(values, outputError);
  await dest.output?.commit();
  return 0;
}

function writeFailed(values: ParsedArgs['values'], err: Error): UserError {
  return new UserError(`cannot write ${String(values.output)}: ${err.message}`, 'OUTPUT_FAILED');
}

/** The capture's name in an html page's title and header: its file name only, since pages are
 * shared and a full path tells others about this machine's folders and user names. */
export const pageName = (path: string): string =>
  path === '-' ? 'standard input' : safeLine(basename(path));
