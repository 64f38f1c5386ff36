// `wirechat read FILE|-`: decodes a pcap/pcapng capture into the WebSocket conversation.
// Only wiring lives here: options, the input stream, the chosen view, stdout and stderr.
import { basename } from 'node:path';
import { createReadStream, statSync } from 'node:fs';
import { parseCommandArgs, intOption, type CommandSpec, type ParsedArgs } from '../shared/args.js';
import { UsageError, UserError } from '../shared/errors.js';
import type { CaptureDecoderOptions } from '../wire/decode-capture.js';
import { createEventFilter, EVENT_NAMES } from '../wire/render/event-filter.js';
import {
  displayOptions,
  formatOptions,
  openView,
  parseFormat,
  parseMaxMemory,
  parseChat,
} from './view-options.js';
import { loadTlsOptions, tlsReadOptions } from './tls-options.js';
import { FileChunks } from './file-chunks.js';
import { readInto, type Input } from './read-run.js';

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
function openInput(path: string): { stream: Input; size: number | undefined } {
  if (path === '-') return { stream: process.stdin, size: undefined };
  let size: number;
  let regular: boolean;
  try {
    const st = statSync(path);
    if (st.isDirectory()) throw new UserError(`${path}: is a directory, not a capture file`, 'IS_DIRECTORY');
    regular = st.isFile();
    size = regular ? st.size : 0;
  } catch (err) {
    if (err instanceof UserError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError(`${path}: no such file`, 'FILE_NOT_FOUND');
    if (code === 'EACCES') throw new UserError(`${path}: permission denied`, 'FILE_NOT_READABLE');
    throw new UserError(`${path}: cannot read (${code ?? 'error'})`, 'FILE_NOT_READABLE');
  }
  const stream = regular ? new FileChunks(path) : createReadStream(path, { highWaterMark: 1 << 20 });
  return { stream, size: size || undefined };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(readSpec, argv);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  const path = inputPath(values, positionals);
  const format = parseFormat(values, argv);
  const keepEvent = parseEventFilter(values, format);
  const decoderOptions = parseDecoderOptions(values, format, keepEvent);
  const { stream, size } = openInput(path);
  const view = openView(values, {
    argv,
    title: pageName(path),
    source: pageName(path),
    keepEvent,
    maxBodyChars: values.full ? Number.MAX_SAFE_INTEGER : 2000,
    // A file's jsonl goes out once per chunk read, not once per batch of events.
    flush: 'manual',
  });
  try {
    return await readInto(view, { values, path, decoderOptions, stream, size });
  } finally {
    // Whatever ended the run without a commit (an error, no capture at all): the old file stays.
    view.discard();
  }
}

/** The one input, named by FILE or by tcpdump's habit `-r FILE`. */
function inputPath(values: ParsedArgs['values'], positionals: string[]): string {
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
  return positionals[0]!;
}

/** The decoder's options, in the order their mistakes are reported (the key log read last). */
function parseDecoderOptions(
  values: ParsedArgs['values'],
  format: string,
  keepEvent: ((name: string) => boolean) | undefined,
): CaptureDecoderOptions {
  const decoderOptions: CaptureDecoderOptions = {
    ports: parsePorts(values),
    hosts: parseHosts(values),
    // Only the byte views show frame payloads; the others never pay for copying them.
    includeFramePayloads: format === 'tcpdump' || format === 'html',
    maxMemory: parseMaxMemory(values),
    chat: parseChat(values),
  };
  // --events: the decoder does not build the events nobody will print.
  if (keepEvent !== undefined) decoderOptions.events = keepEvent;
  if (values['max-message-bytes'] !== undefined) {
    decoderOptions.maxMessageBytes = intOption(values, 'max-message-bytes', 1024, 2 ** 31);
  }
  decoderOptions.tls = loadTlsOptions(values, values.quiet === true);
  return decoderOptions;
}

/** The capture's name in an html page's title and header: its file name only, since pages are
 * shared and a full path tells others about this machine's folders and user names. */
const pageName = (path: string): string => (path === '-' ? 'standard input' : basename(path));
