// `wirechat capture [-i IFACE] [-c COUNT] [-w FILE] [EXPRESSION…]`: live capture with tcpdump,
// decoded and shown as it happens. Only wiring lives here: options, tcpdump, the decoder, the view.
import { parseCommandArgs, intOption, type CommandSpec } from '../shared/args.js';
import { safeLine } from '../shared/terminal-text.js';
import { createCaptureDecoder } from '../wire/decode-capture.js';
import { startLiveCapture } from '../wire/source/live-capture.js';
import { createLiveView, viewOptions } from './live-view.js';
import { onStopSignal } from './stop-signals.js';
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
    'Ctrl-C (SIGINT) or the end of -c stops the capture; the summary is printed last; a second',
    'Ctrl-C exits at once. When the view is read slowly, past --output-buffer bytes of unread output',
    "tcpdump's output is not read until it drains: the kernel drops packets, and the run says how many.",
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
  let pauseCapture = (paused: boolean): void => void paused;
  const view = createLiveView(values, {
    onOutputClosed: () => stopCapture(),
    // A slow reader of the view stops us reading tcpdump: the kernel drops and tcpdump counts it.
    onBackpressure: (paused) => pauseCapture(paused),
    title: `wirechat capture on ${iface}`,
    source: `tcpdump -i ${iface}${positionals.length ? ` ${positionals.join(' ')}` : ''}`,
  });
  const save = typeof values.write === 'string' ? openOutputFile(values.write) : undefined;

  const decoder = createCaptureDecoder({ includeFramePayloads: view.needsPayloads }, (events) =>
    view.write(events),
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
  pauseCapture = (paused) => (paused ? capture.pause() : capture.resume());
  // Ctrl-C stops tcpdump, which flushes; the run then ends normally with the summary.
  let interrupted = false;
  stopCapture = () => capture.stop();
  const removeSignals = onStopSignal(() => {
    interrupted = true;
    capture.stop();
  });
  try {
    await capture.ready;
    if (!values.quiet) {
      const filter = positionals.length ? ` (filter: ${positionals.join(' ')})` : '';
      process.stderr.write(safeLine(`wirechat capture: listening on ${iface}${filter}; Ctrl-C stops`) + '\n');
    }
    const result = await capture.done;
    const summary = decoder.end();
    // Interrupted while the output is stuck (its reader stopped reading): it is dropped, not waited for.
    await view.end(summary, interrupted);
    if (!values.quiet && result.stats.length)
      process.stderr.write(safeLine(`tcpdump: ${result.stats.join(', ')}`) + '\n');
    const dropped = /(\d+) packets? dropped by kernel/.exec(result.stats.join('\n'));
    if (!values.quiet && dropped && Number(dropped[1]) > 0 && view.pausedOnce) {
      process.stderr.write(
        `wirechat capture: the view's reader did not keep up; the kernel dropped ${dropped[1]} packets meanwhile\n`,
      );
    }
  } finally {
    removeSignals();
    // Reported only when nothing else went wrong first.
    if (save) await finishOutputFile(save, String(values.write));
  }
  return 0;
}
