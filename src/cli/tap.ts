// `wirechat tap --listen HOST:PORT --upstream HOST:PORT`: a transparent proxy whose traffic is
// decoded and shown exactly as `capture` shows a live capture (no root needed). The relayed bytes
// become synthetic packets, written as pcapng, and those bytes feed the same decoder as a file.
import { readFileSync, type WriteStream } from 'node:fs';
import { parseCommandArgs, type CommandSpec, type ParsedArgs } from '../shared/args.js';
import { UsageError, UserError } from '../shared/errors.js';
import { loadTls } from '../chat/transport/tls.js';
import { safeLine } from '../shared/terminal-text.js';
import { createCaptureDecoder, type CaptureDecoder } from '../wire/decode-capture.js';
import { startTapProxy, type TapProxy } from '../wire/source/tap-proxy.js';
import { createPcapngWriter } from '../wire/source/pcapng-writer.js';
import type { SyntheticPacket } from '../wire/source/synthetic-tcp.js';
import { openView, parseMaxMemory, viewOptions, parseChat } from './view-options.js';
import { onStopSignal } from './stop-signals.js';
import { openOutputFile } from '../wire/render/output-file.js';
import { loadLiveTlsOptions, tlsLiveOptions } from './tls-options.js';
import { createSecretsOrderedOutput, type SecretsOrderedOutputOptions } from './keyed-capture-file.js';

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

export interface TapRecorder {
  (packet: SyntheticPacket): void;
  /** Key log lines for the saved file (with `keyed`). */
  secrets(lines: string): void;
  /** Writes what the file kept back. */
  end(): void;
}

/**
 * The tap's packets, as pcapng bytes, into a decoder (and a file). With `keyed`, the file carries
 * the key log in Decryption Secrets Blocks, before the packets that need them.
 */
export function createTapRecorder(
  decoder: CaptureDecoder,
  save?: WriteStream,
  keyed?: SecretsOrderedOutputOptions,
): TapRecorder {
  const writer = createPcapngWriter({ application: 'wirechat tap' });
  const header = writer.header();
  save?.write(header);
  decoder.push(header);
  const output = save && keyed ? createSecretsOrderedOutput(save, writer, keyed) : undefined;
  const record = (packet: SyntheticPacket): void => {
    const bytes = writer.packet(packet);
    // The decoder first: a connection it starts holding for its secrets holds the file too.
    decoder.push(bytes);
    if (output) output.packet(bytes);
    else save?.write(bytes);
  };
  return Object.assign(record, {
    secrets: (lines: string) => output?.secrets(lines),
    end: () => output?.end(),
  });
}

/** --tls-cert/--tls-key and --upstream-tls/--upstream-ca/--insecure, checked. */
function tapTlsOptions(values: ParsedArgs['values']): {
  serverTls?: { cert: Buffer; key: Buffer };
  upstreamTls?: { ca?: Buffer; insecure?: boolean };
} {
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
  const result: ReturnType<typeof tapTlsOptions> = {};
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
  const { values } = parsed;
  const listen = parseHostPort(String(values.listen), 'listen');
  const upstream = parseHostPort(String(values.upstream), 'upstream');
  if (upstream.port === 0) throw new UsageError('--upstream needs a port');
  const tapTls = tapTlsOptions(values);
  const liveTls = loadLiveTlsOptions(values, values.quiet === true);
  let stopTap = (): void => undefined;
  let proxy: TapProxy | undefined = undefined;
  const view = openView(values, {
    onReaderGone: () => stopTap(),
    // A slow reader of the view slows the relay: the tap stops reading its sockets meanwhile.
    onBackpressure: (paused) => (paused ? proxy?.pause() : proxy?.resume()),
    title: `wirechat tap ${listen.host}:${listen.port} → ${upstream.host}:${upstream.port}`,
    source: `tap --listen ${String(values.listen)} --upstream ${String(values.upstream)}`,
  });
  // Interrupted for good (a second Ctrl-C), what was saved so far is kept, as tcpdump -w does.
  const save =
    typeof values.write === 'string' ? openOutputFile(values.write, { keepOnExit: true }) : undefined;
  const decoder = createCaptureDecoder(
    {
      includeFramePayloads: view.needsPayloads,
      tls: liveTls.tls,
      maxMemory: parseMaxMemory(values),
      chat: parseChat(values),
    },
    (events) => view.write(events),
  );
  const record = createTapRecorder(
    decoder,
    save?.stream,
    liveTls.tls.keys
      ? {
          initialLines: liveTls.takeInitialLines(),
          waiting: () => liveTls.waiting(),
          maxHeldBytes: liveTls.tls.keyWait?.maxBytes ?? 0,
        }
      : undefined,
  );
  liveTls.follow((lines) => {
    record.secrets(lines);
    decoder.deliver();
  });

  try {
    proxy = await startTapProxy({
      listenHost: listen.host,
      listenPort: listen.port,
      upstreamHost: upstream.host,
      upstreamPort: upstream.port,
      onPacket: record,
      ...tapTls,
      onNotice: (n) => {
        if (!values.quiet) process.stderr.write(safeLine(`wirechat tap: ${n.message}`) + '\n');
      },
    });
  } catch (err) {
    // Never started (the port is taken): the files that were there stay as they were.
    liveTls.stop();
    view.discard();
    save?.discard();
    throw err;
  }
  if (!values.quiet) {
    const scheme = (secure: boolean): string => (secure ? ' (TLS)' : '');
    process.stderr.write(
      safeLine(
        `wirechat tap: listening on ${listen.host}:${proxy.port}${scheme(tapTls.serverTls !== undefined)}, relaying to ${upstream.host}:${upstream.port}${scheme(tapTls.upstreamTls !== undefined)}; Ctrl-C stops`,
      ) + '\n',
    );
  }
  let interrupted = false;
  let removeSignals = (): void => undefined;
  await new Promise<void>((resolve) => {
    removeSignals = onStopSignal(() => {
      interrupted = true;
      resolve();
    });
    stopTap = resolve;
  });
  try {
    await proxy.close();
    // Secrets written at the very end still count.
    liveTls.stop();
    record.end();
    const summary = decoder.end();
    // Interrupted while the output is stuck (its reader stopped reading): it is dropped, not waited for.
    await view.end(summary, interrupted);
    await save?.commit();
  } finally {
    removeSignals();
  }
  return 0;
}
