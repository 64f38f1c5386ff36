// `wirechat capture [-i IFACE] [-c COUNT] [-w FILE] [EXPRESSION…]`: live capture with tcpdump,
// decoded and shown as it happens. Only wiring lives here: options, tcpdump, the decoder, the view.
import { parseCommandArgs, intOption, type CommandSpec } from '../shared/args.js';
import { createCaptureDecoder } from '../wire/decode-capture.js';
import { startLiveCapture } from '../wire/source/live-capture.js';
import { createLiveView, viewOptions } from './live-view.js';
import { parseMaxMemory } from './view-options.js';
import { finishOutputFile, openOutputFile } from './output-file.js';

export const captureSpec: CommandSpec = {
  name: 'capture',
  usage: '[options] [EXPRESSION…]',
  summary:
    'Capture live with tcpdump (interface and filter in its syntax) and show the WebSocket conversation as it happens.',
  allowPositionals: true,
  options: {
    interface: {
      type: 'string',
      short: 'i',
      value: 'IFACE',
      description: "interface to capture on ('any': all)",
      default: 'any',
    },
    count: { type: 'string', short: 'c', value: 'COUNT', description: 'stop after COUNT packets' },
    write: {
      type: 'string',
      short: 'w',
      value: 'FILE',
      description: 'also save the raw capture (pcap, exactly as tcpdump wrote it)',
    },
    tcpdump: {
      type: 'string',
      value: 'PATH',
      description: 'the tcpdump program',
      env: 'WIRECHAT_TCPDUMP',
      default: 'tcpdump',
    },
    ...viewOptions,
  },
  epilog: [
    'EXPRESSION is a tcpdump (BPF) filter, e.g. port 7272, or host 10.0.0.5 and tcp port 80.',
    'Ctrl-C (SIGINT) or the end of -c stops the capture; the summary is printed last.',
    'Capturing needs root or a tcpdump with cap_net_raw,cap_net_admin; without, use `wirechat tap`.',
    '',
    'Examples:',
    '  sudo wirechat capture -i any port 7272',
    '  sudo wirechat capture -i lo -c 200 -w chat.pcap --format html -o chat.html port 7272',
  ].join('\n'),
};

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(captureSpec, argv);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  const iface = String(values.interface);
  const count = values.count !== undefined ? intOption(values, 'count', 1, 2 ** 31 - 1) : undefined;
  let stopCapture = (): void => undefined;
  const view = createLiveView(values, {
    onOutputClosed: () => stopCapture(),
    title: `wirechat capture on ${iface}`,
    source: `tcpdump -i ${iface}${positionals.length ? ` ${positionals.join(' ')}` : ''}`,
  });
  const save = typeof values.write === 'string' ? openOutputFile(values.write) : undefined;

  const decoder = createCaptureDecoder(
    { includeFramePayloads: view.needsPayloads, maxMemory: parseMaxMemory(values) },
    (events) => view.write(events),
  );
  const capture = startLiveCapture({
    iface,
    expression: positionals,
    ...(count !== undefined ? { count } : {}),
    tcpdumpPath: String(values.tcpdump),
    onData(chunk) {
      save?.write(chunk);
      decoder.push(chunk);
    },
  });
  // Ctrl-C stops tcpdump, which flushes; the run then ends normally with the summary.
  const stop = (): void => capture.stop();
  stopCapture = stop;
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    await capture.ready;
    if (!values.quiet) {
      const filter = positionals.length ? ` (filter: ${positionals.join(' ')})` : '';
      process.stderr.write(`wirechat capture: listening on ${iface}${filter}; Ctrl-C stops\n`);
    }
    const result = await capture.done;
    const summary = decoder.end();
    await view.end(summary);
    if (!values.quiet && result.stats.length) process.stderr.write(`tcpdump: ${result.stats.join(', ')}\n`);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    // Reported only when nothing else went wrong first.
    if (save) await finishOutputFile(save, String(values.write));
  }
  return 0;
}
