// `wirechat capture [-i IFACE] [-c COUNT] [-w FILE] [EXPRESSION…]`: live capture with tcpdump,
// decoded and shown as it happens. Only wiring lives here: options, tcpdump, the decoder, the view.
import { parseCommandArgs, intOption, type CommandSpec } from '../shared/args.js';
import { safeLine } from '../shared/terminal-text.js';
import { createCaptureDecoder } from '../wire/decode-capture.js';
import { DEFAULT_BUFFER_KIB, startLiveCapture } from '../wire/source/live-capture.js';
import { captureReportLines } from './capture-report.js';
import { openView, parseMaxMemory, viewOptions, parseChat } from './view-options.js';
import { onStopSignal } from './stop-signals.js';
import { openOutputFile } from '../wire/render/output-file.js';
import { loadLiveTlsOptions, tlsLiveOptions } from './tls-options.js';
import { createKeyedCaptureFile, type KeyedCaptureFile } from './keyed-capture-file.js';

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
      description:
        'also save the raw capture (pcap, exactly as tcpdump wrote it; with --keylog: pcapng carrying the key log, so the file alone decodes)',
    },
    'buffer-size': {
      type: 'string',
      short: 'B',
      value: 'KIB',
      description: "the kernel's capture buffer in KiB (tcpdump -B): bursts wait there",
      env: 'WIRECHAT_CAPTURE_BUFFER',
      default: String(DEFAULT_BUFFER_KIB),
    },
    tcpdump: {
      type: 'string',
      value: 'PATH',
      description: 'the tcpdump program',
      env: 'WIRECHAT_TCPDUMP',
      default: 'tcpdump',
    },
    ...viewOptions,
    ...tlsLiveOptions,
  },
  epilog: [
    'EXPRESSION is a tcpdump (BPF) filter, e.g. port 7272, or host 10.0.0.5 and tcp port 80.',
    'Ctrl-C (SIGINT) or the end of -c stops the capture; the summary is printed last; a second',
    'Ctrl-C exits at once. When the view is read slowly, past --output-buffer bytes of unread output',
    "tcpdump's output is not read until it drains: the kernel drops packets, and the run says how many.",
    "Every run ends with tcpdump's statistics; when the kernel dropped packets a WARNING line says so.",
    'tcpdump runs with a snaplen that fits the interface MTU and -B KiB of kernel buffer for bursts.',
    '-o and -w files are written beside FILE and renamed only on success (a second Ctrl-C keeps -w).',
    '--keylog FILE is followed while it grows (browsers add each session as it starts): a new TLS',
    'connection whose secrets are not there yet is held up to --keylog-wait for them.',
    'Capturing needs root or a tcpdump with cap_net_raw,cap_net_admin; without, use `wirechat tap`.',
    '',
    'Examples:',
    '  sudo wirechat capture -i any port 7272',
    '  sudo wirechat capture -i lo -c 200 -w chat.pcap --format html -o chat.html port 7272',
    '  sudo wirechat capture -i any --keylog ~/keys.log -w wss.pcapng port 443   # wss:// decrypted',
  ].join('\n'),
};

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(captureSpec, argv);
  if (!parsed) return 0;
  const { values, positionals } = parsed;
  const iface = String(values.interface);
  const count = values.count !== undefined ? intOption(values, 'count', 1, 2 ** 31 - 1) : undefined;
  const bufferKiB = intOption(values, 'buffer-size', 1024, 4 * 1024 * 1024);
  const liveTls = loadLiveTlsOptions(values, values.quiet === true);
  let stopCapture = (): void => undefined;
  let pauseCapture = (paused: boolean): void => void paused;
  const view = openView(values, {
    onReaderGone: () => stopCapture(),
    // A slow reader of the view stops us reading tcpdump: the kernel drops and tcpdump counts it.
    onBackpressure: (paused) => pauseCapture(paused),
    title: `wirechat capture on ${iface}`,
    source: `tcpdump -i ${iface}${positionals.length ? ` ${positionals.join(' ')}` : ''}`,
  });
  // Interrupted for good (a second Ctrl-C), what was captured so far is kept, as tcpdump -w does.
  const save =
    typeof values.write === 'string' ? openOutputFile(values.write, { keepOnExit: true }) : undefined;

  // tcpdump stopped before it wrote its first byte (Ctrl-C at once) is an empty run, not a broken
  // capture: its "capture is empty" problem is not shown.
  let bytesSeen = 0;
  const decoder = createCaptureDecoder(
    {
      includeFramePayloads: view.needsPayloads,
      tls: liveTls.tls,
      maxMemory: parseMaxMemory(values),
      chat: parseChat(values),
    },
    (events) => {
      if (bytesSeen > 0) view.write(events);
    },
  );
  // With a key log the saved file is pcapng, so that it can carry the secrets.
  const keyed: KeyedCaptureFile | undefined =
    save && liveTls.tls.keys
      ? createKeyedCaptureFile(save.stream, {
          initialLines: liveTls.takeInitialLines(),
          application: 'wirechat capture',
          waiting: () => liveTls.waiting(),
          maxHeldBytes: liveTls.tls.keyWait?.maxBytes ?? 0,
        })
      : undefined;
  liveTls.follow((lines) => {
    keyed?.secrets(lines);
    decoder.deliver();
  });
  const capture = startLiveCapture({
    iface,
    expression: positionals,
    ...(count !== undefined ? { count } : {}),
    tcpdumpPath: String(values.tcpdump),
    bufferKiB,
    onData(chunk) {
      bytesSeen += chunk.length;
      // The decoder first: a connection it starts holding for its secrets holds the file too.
      decoder.push(chunk);
      if (keyed) keyed.push(chunk);
      else save?.stream.write(chunk);
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
  let ok = false;
  try {
    await capture.ready;
    if (!values.quiet && !interrupted) {
      const filter = positionals.length ? ` (filter: ${positionals.join(' ')})` : '';
      process.stderr.write(safeLine(`wirechat capture: listening on ${iface}${filter}; Ctrl-C stops`) + '\n');
    }
    const result = await capture.done;
    // Secrets written at the very end still count.
    liveTls.stop();
    keyed?.end();
    let summary = decoder.end();
    if (bytesSeen === 0) summary = { ...summary, problems: 0, problemsByCode: {} };
    // Interrupted while the output is stuck (its reader stopped reading): it is dropped, not waited for.
    await view.end(summary, interrupted);
    const report = captureReportLines(result, {
      command: 'capture',
      quiet: values.quiet === true,
      readerWasSlow: view.pausedOnce,
      bufferKiB,
    });
    for (const line of report) process.stderr.write(line + '\n');
    ok = true;
  } finally {
    removeSignals();
    liveTls.stop();
    if (!ok) {
      // tcpdump never ran (or failed): the files that were there stay as they were.
      view.discard();
      save?.discard();
    }
  }
  await save?.commit();
  return 0;
}
