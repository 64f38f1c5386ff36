// `wirechat demo`: the seed document, reproduced. Starts the chat, captures it (live with tcpdump
// when that is possible, through the tap otherwise), plays the seed's session with two scripted
// users and prints the annotated capture — the masked frames readable.
import { spawnSync } from 'node:child_process';
import { parseCommandArgs, type CommandSpec, type ParsedArgs } from '../shared/args.js';
import { UsageError } from '../shared/errors.js';
import { viewOptions } from './view-options.js';
import { openOutputFile, type OutputFile } from '../wire/render/output-file.js';
import { loadTlsOptions, tlsReadOptions } from './tls-options.js';
import { runDemo } from './demo-run.js';

export const demoSpec: CommandSpec = {
  name: 'demo',
  usage: '[options]',
  summary:
    'Replay the seed document\'s session (猪猪 online, mynick logs in and says "hi, all !") against the chat and show the decoded capture.',
  options: {
    mode: {
      type: 'string',
      short: 'm',
      value: 'MODE',
      description: 'auto, live (tcpdump; needs root) or tap (no root)',
      default: 'auto',
    },
    browser: {
      type: 'boolean',
      description:
        "after the scripted session, keep the chat open for a browser until Ctrl-C (its page's WebSocket goes through the tap)",
    },
    write: {
      type: 'string',
      short: 'w',
      value: 'FILE',
      description: 'also save the raw capture (live: pcap as tcpdump wrote it; tap: pcapng)',
    },
    ...viewOptions,
    ...tlsReadOptions,
  },
  epilog: [
    'auto captures live with tcpdump when running as root with tcpdump installed, else through the tap.',
    '',
    'Examples:',
    '  npm run demo',
    '  wirechat demo --format html -o seed.html',
    '  wirechat demo --mode tap --browser      # then chat from the page it names',
    '  sudo wirechat demo --mode live -w seed.pcap   # then: tcpdump -A -r seed.pcap',
  ].join('\n'),
};

function liveCapturePossible(): boolean {
  if (process.getuid?.() !== 0) return false;
  return spawnSync('tcpdump', ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(demoSpec, argv);
  if (!parsed) return 0;
  const { values } = parsed;
  const live = parseLive(values);
  // Read first: a missing key log is one line before anything starts.
  const tls = loadTlsOptions(values, values.quiet === true);
  // Opened first: a bad path is one line before anything starts. Kept when interrupted for good.
  const save: OutputFile | undefined =
    typeof values.write === 'string' ? openOutputFile(values.write, { keepOnExit: true }) : undefined;
  return runDemo({ values, live, browser: values.browser === true, tls, save });
}

/** --mode: whether the demo captures live with tcpdump (else through the tap). */
function parseLive(values: ParsedArgs['values']): boolean {
  const mode = String(values.mode);
  if (mode !== 'auto' && mode !== 'live' && mode !== 'tap') {
    throw new UsageError(`--mode must be auto, live or tap, got '${mode}'`);
  }
  return mode === 'live' || (mode === 'auto' && liveCapturePossible());
}
