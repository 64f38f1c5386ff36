// `wirechat capture [-i IFACE] [-c COUNT] [-w FILE] [EXPRESSION…]`: live capture with tcpdump,
// decoded and shown as it happens. Only the options live here; capture-run.ts runs them.
import { parseCommandArgs, intOption, type CommandSpec, type ParsedArgs } from '../shared/args.js';
import { DEFAULT_BUFFER_KIB } from '../wire/source/live-capture.js';
import { viewOptions } from './view-options.js';
import { loadLiveTlsOptions, tlsLiveOptions } from './tls-options.js';
import { CaptureCommandRun, type CaptureSettings } from './capture-run.js';

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
  const settings = captureSettings(parsed);
  const liveTls = loadLiveTlsOptions(parsed.values, settings.quiet);
  return new CaptureCommandRun(settings, parsed.values, liveTls).run();
}

/** capture's own options, checked (a bad one is a usage error before anything starts). */
function captureSettings({ values, positionals }: ParsedArgs): CaptureSettings {
  return {
    iface: String(values.interface),
    expression: positionals,
    count: values.count !== undefined ? intOption(values, 'count', 1, 2 ** 31 - 1) : undefined,
    bufferKiB: intOption(values, 'buffer-size', 1024, 4 * 1024 * 1024),
    tcpdumpPath: String(values.tcpdump),
    quiet: values.quiet === true,
  };
}
