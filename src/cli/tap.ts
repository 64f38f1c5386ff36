// `wirechat tap --listen HOST:PORT --upstream HOST:PORT`: a transparent proxy whose traffic is
// decoded and shown exactly as `capture` shows a live capture (no root needed). The relayed bytes
// become synthetic packets, written as pcapng, and those bytes feed the same decoder as a file.
import type { WriteStream } from 'node:fs';
import { parseCommandArgs, type CommandSpec } from '../shared/args.js';
import { UsageError } from '../shared/errors.js';
import { safeLine } from '../shared/terminal-text.js';
import { createCaptureDecoder, type CaptureDecoder } from '../wire/decode-capture.js';
import { startTapProxy, type TapProxy } from '../wire/source/tap-proxy.js';
import { createPcapngWriter } from '../wire/source/pcapng-writer.js';
import type { SyntheticPacket } from '../wire/source/synthetic-tcp.js';
import { createLiveView, viewOptions } from './live-view.js';
import { onStopSignal } from './stop-signals.js';
import { openOutputFile } from './output-file.js';
import { parseMaxMemory } from './view-options.js';

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
      description: 'also save what passed as pcapng (read, tcpdump and tshark open it)',
    },
    ...viewOptions,
  },
  epilog: [
    'Point clients at the listen address instead of the server. Ctrl-C (SIGINT) stops: open',
    'connections are reset, the summary is printed last; a second Ctrl-C exits at once.',
    'When the view is read slowly (a pager, a slow pipe), the relay slows down with it: past',
    '--output-buffer bytes of unread output the tap stops reading its connections until it drains.',
    '',
    'Example:',
    '  wirechat tap --listen 127.0.0.1:7273 --upstream 127.0.0.1:7272 -w chat.pcapng',
  ].join('\n'),
};

/** "127.0.0.1:7272", "[::1]:7272", "localhost:7272" or ":7272" (all interfaces). */
export function parseHostPort(text: string, option: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port < 0 || port > 65535) throw new UsageError(`--${option} must be HOST:PORT, got '${text}'`);
  return { host: m[1] ?? (m[2] || '0.0.0.0'), port };
}

/** The tap's packets, as pcapng bytes, into a decoder (and a file). */
export function createTapRecorder(
  decoder: CaptureDecoder,
  save?: WriteStream,
): (packet: SyntheticPacket) => void {
  const writer = createPcapngWriter({ application: 'wirechat tap' });
  const header = writer.header();
  save?.write(header);
  decoder.push(header);
  return (packet) => {
    const bytes = writer.packet(packet);
    save?.write(bytes);
    decoder.push(bytes);
  };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(tapSpec, argv);
  if (!parsed) return 0;
  const { values } = parsed;
  const listen = parseHostPort(String(values.listen), 'listen');
  const upstream = parseHostPort(String(values.upstream), 'upstream');
  if (upstream.port === 0) throw new UsageError('--upstream needs a port');
  let stopTap = (): void => undefined;
  let proxy: TapProxy | undefined = undefined;
  const view = createLiveView(values, {
    onOutputClosed: () => stopTap(),
    // A slow reader of the view slows the relay: the tap stops reading its sockets meanwhile.
    onBackpressure: (paused) => (paused ? proxy?.pause() : proxy?.resume()),
    title: `wirechat tap ${listen.host}:${listen.port} → ${upstream.host}:${upstream.port}`,
    source: `tap --listen ${String(values.listen)} --upstream ${String(values.upstream)}`,
  });
  // Interrupted for good (a second Ctrl-C), what was saved so far is kept, as tcpdump -w does.
  const save =
    typeof values.write === 'string' ? openOutputFile(values.write, { keepOnExit: true }) : undefined;
  const decoder = createCaptureDecoder(
    { includeFramePayloads: view.needsPayloads, maxMemory: parseMaxMemory(values) },
    (events) => view.write(events),
  );
  const record = createTapRecorder(decoder, save?.stream);

  try {
    proxy = await startTapProxy({
      listenHost: listen.host,
      listenPort: listen.port,
      upstreamHost: upstream.host,
      upstreamPort: upstream.port,
      onPacket: record,
      onNotice: (n) => {
        if (!values.quiet) process.stderr.write(safeLine(`wirechat tap: ${n.message}`) + '\n');
      },
    });
  } catch (err) {
    // Never started (the port is taken): the files that were there stay as they were.
    view.discard();
    save?.discard();
    throw err;
  }
  if (!values.quiet) {
    process.stderr.write(
      safeLine(
        `wirechat tap: listening on ${listen.host}:${proxy.port}, relaying to ${upstream.host}:${upstream.port}; Ctrl-C stops`,
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
    const summary = decoder.end();
    // Interrupted while the output is stuck (its reader stopped reading): it is dropped, not waited for.
    await view.end(summary, interrupted);
    await save?.commit();
  } finally {
    removeSignals();
  }
  return 0;
}
