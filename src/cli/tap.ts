// `wirechat tap --listen HOST:PORT --upstream HOST:PORT`: a transparent proxy whose traffic is
// decoded and shown exactly as `capture` shows a live capture (no root needed). The relayed bytes
// become synthetic packets, written as pcapng, and those bytes feed the same decoder as a file.
// Only the options live here; tap-run.ts runs them, tap-recorder.ts turns the relay into packets.
import { readFileSync } from 'node:fs';
import { parseCommandArgs, type CommandSpec, type ParsedArgs } from '../shared/args.js';
import { UsageError, UserError } from '../shared/errors.js';
import { loadTls } from '../chat/transport/tls.js';
import { viewOptions } from './view-options.js';
import { loadLiveTlsOptions, tlsLiveOptions } from './tls-options.js';
import { TapCommandRun, type TapSettings, type TapTls } from './tap-run.js';

export { createTapRecorder, type TapRecorder } from './tap-recorder.js';

export const tapSpec: CommandSpec = {
  name: 'tap',
  usage: '--listen HOST:PORT --upstream HOST:PORT [options]',
  summary:
    'Relay TCP connections to an upstream server, unchanged, and show their WebSocket conversation as capture does (no root needed).',
  options: {
    listen: {
      type: 'string',
      short: 'l',
      value: 'HOST:PORT',
      description: 'where clients connect',
      default: '127.0.0.1:7273',
    },
    upstream: {
      type: 'string',
      short: 'u',
      value: 'HOST:PORT',
      description: 'the real server',
      default: '127.0.0.1:7272',
    },
    write: {
      type: 'string',
      short: 'w',
      value: 'FILE',
      description:
        'also save what passed as pcapng (read, tcpdump and tshark open it; with --keylog it carries the key log)',
    },
    'tls-cert': {
      type: 'string',
      value: 'FILE',
      description:
        'PEM certificate: accept TLS (wss://) from clients, with --tls-key; the view shows the plaintext',
    },
    'tls-key': { type: 'string', value: 'FILE', description: 'PEM private key for --tls-cert' },
    'upstream-tls': {
      type: 'boolean',
      description:
        "speak TLS to the upstream (its certificate checked against the system's CAs and --upstream-ca)",
    },
    'upstream-ca': {
      type: 'string',
      value: 'FILE',
      description: "PEM CA certificate(s) to trust for the upstream's certificate (with --upstream-tls)",
    },
    insecure: {
      type: 'boolean',
      description:
        "do not check the upstream's certificate (with --upstream-tls; tests, self-signed servers)",
    },
    ...viewOptions,
    ...tlsLiveOptions,
  },
  epilog: [
    'Point clients at the listen address instead of the server. Ctrl-C (SIGINT) stops: open',
    'connections are reset, the summary is printed last; a second Ctrl-C exits at once.',
    'When the view is read slowly (a pager, a slow pipe), the relay slows down with it: past',
    '--output-buffer bytes of unread output the tap stops reading its connections until it drains.',
    '',
    'With --tls-cert/--tls-key and --upstream-tls the tap ends TLS on both sides, like a reverse proxy,',
    'and shows (and saves) the plaintext in between. Without them, TLS passes through untouched and',
    '--keylog decrypts it in the view (the key log is followed while it grows).',
    '',
    'Examples:',
    '  wirechat tap --listen 127.0.0.1:7273 --upstream 127.0.0.1:7272 -w chat.pcapng',
    '  wirechat tap --tls-cert cert.pem --tls-key key.pem --upstream-tls --upstream-ca ca.pem \\',
    '      --listen :8443 --upstream chat.example.org:443',
  ].join('\n'),
};

/** "127.0.0.1:7272", "[::1]:7272", "localhost:7272" or ":7272" (all interfaces). */
export function parseHostPort(text: string, option: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 0 || port > 65535) throw new UsageError(`--${option} must be HOST:PORT, got '${text}'`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

/** --tls-cert/--tls-key and --upstream-tls/--upstream-ca/--insecure, checked. */
function tapTlsOptions(values: ParsedArgs['values']): TapTls {
  const str = (name: string): string | undefined =>
    typeof values[name] === 'string' && values[name] !== '' ? String(values[name]) : undefined;
  const cert = str('tls-cert');
  const key = str('tls-key');
  if (Boolean(cert) !== Boolean(key)) throw new UsageError('--tls-cert and --tls-key go together');
  const ca = str('upstream-ca');
  const insecure = values.insecure === true;
  if ((ca || insecure) && values['upstream-tls'] !== true) {
    throw new UsageError(`--${ca ? 'upstream-ca' : 'insecure'} goes with --upstream-tls`);
  }
  if (ca && insecure) throw new UsageError('--upstream-ca and --insecure cannot be combined');
  const result: TapTls = {};
  if (cert && key) result.serverTls = loadTls(cert, key);
  if (values['upstream-tls'] === true) {
    let caPem: Buffer | undefined;
    if (ca) {
      try {
        caPem = readFileSync(ca);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
        throw new UserError(`cannot read the upstream CA '${ca}' (${code})`, 'UPSTREAM_CA_UNREADABLE', 2);
      }
    }
    result.upstreamTls = { ...(caPem ? { ca: caPem } : {}), ...(insecure ? { insecure } : {}) };
  }
  return result;
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(tapSpec, argv);
  if (!parsed) return 0;
  const settings = tapSettings(parsed.values);
  const liveTls = loadLiveTlsOptions(parsed.values, settings.quiet);
  return new TapCommandRun(settings, parsed.values, liveTls).run();
}

/** tap's own options, checked (a bad one is a usage error before anything starts). */
function tapSettings(values: ParsedArgs['values']): TapSettings {
  const listen = parseHostPort(String(values.listen), 'listen');
  const upstream = parseHostPort(String(values.upstream), 'upstream');
  if (upstream.port === 0) throw new UsageError('--upstream needs a port');
  return {
    listen,
    upstream,
    listenText: String(values.listen),
    upstreamText: String(values.upstream),
    tapTls: tapTlsOptions(values),
    quiet: values.quiet === true,
  };
}
