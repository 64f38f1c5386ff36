// `wirechat demo`: the seed document, reproduced. Starts the chat, captures it (live with tcpdump
// when that is possible, through the tap otherwise), plays the seed's session with two scripted
// users and prints the annotated capture — the masked frames readable.
import { spawnSync } from 'node:child_process';
import { parseCommandArgs, type CommandSpec } from '../shared/args.js';
import { UsageError, UserError } from '../shared/errors.js';
import { createChatServer } from '../chat/server.js';
import { createCaptureDecoder } from '../wire/decode-capture.js';
import {
  DEFAULT_BUFFER_KIB,
  startLiveCapture,
  type LiveCapture,
  type LiveCaptureResult,
} from '../wire/source/live-capture.js';
import { startTapProxy, type TapProxy } from '../wire/source/tap-proxy.js';
import { playSeedSession } from '../demo/seed-session.js';
import { openView, parseMaxMemory, viewOptions, parseChat } from './view-options.js';
import { createTapRecorder } from './tap.js';
import { onStopSignal } from './stop-signals.js';
import { freePort } from '../shared/free-port.js';
import { captureReportLines } from './capture-report.js';
import { openOutputFile, type OutputFile } from '../wire/render/output-file.js';
import { loadTlsOptions, tlsReadOptions } from './tls-options.js';

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

const waitFor = async (done: () => boolean, limitMs: number): Promise<void> => {
  const deadline = Date.now() + limitMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
};

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(demoSpec, argv);
  if (!parsed) return 0;
  const { values } = parsed;
  const mode = String(values.mode);
  if (mode !== 'auto' && mode !== 'live' && mode !== 'tap') {
    throw new UsageError(`--mode must be auto, live or tap, got '${mode}'`);
  }
  const live = mode === 'live' || (mode === 'auto' && liveCapturePossible());
  // Read first: a missing key log is one line before anything starts.
  const tls = loadTlsOptions(values, values.quiet === true);

  // Opened first: a bad path is one line before anything starts. Kept when interrupted for good.
  const save: OutputFile | undefined =
    typeof values.write === 'string' ? openOutputFile(values.write, { keepOnExit: true }) : undefined;
  const browser = values.browser === true;
  // Through the tap, the chat's page is told to connect through the tap as well, so a browser's
  // conversation is captured like the scripted users'.
  const tapPort = live ? 0 : await freePort();
  const server = await createChatServer({
    host: '127.0.0.1',
    wsPort: 0,
    webPort: 0,
    logLevel: 'silent',
    ...(live ? {} : { publicWsUrl: `ws://127.0.0.1:${tapPort}/` }),
  });
  let capture: LiveCapture | undefined;
  let proxy: TapProxy | undefined;
  // Ctrl-C cuts the session short: what was captured so far is shown with its summary, exit 130.
  let interrupted = false;
  let stopNow = (): void => undefined;
  const stopped = new Promise<void>((resolve) => (stopNow = resolve));
  const removeSignals = onStopSignal(() => {
    interrupted = true;
    stopNow();
  });
  try {
    const how = live
      ? `tcpdump -i any tcp port ${server.wsPort}`
      : `wirechat tap → chat on 127.0.0.1:${server.wsPort}`;
    const view = openView(values, {
      title: 'wirechat demo: the seed session',
      source: how,
      // A slow reader of the view slows the source, as in capture and tap.
      onBackpressure: (paused) => {
        const source = capture ?? proxy;
        if (paused) source?.pause();
        else source?.resume();
      },
    });
    let closed = 0;
    const decoder = createCaptureDecoder(
      {
        includeFramePayloads: view.needsPayloads,
        tls,
        maxMemory: parseMaxMemory(values),
        chat: parseChat(values),
      },
      (events) => {
        for (const ev of events)
          if (ev.event === 'tcp.close' && (ev.how === 'both-fin' || ev.how === 'rst')) closed++;
        view.write(events);
      },
    );

    let url: string;
    if (live) {
      capture = startLiveCapture({
        iface: 'any',
        expression: ['tcp', 'port', String(server.wsPort)],
        onData: (chunk) => {
          save?.stream.write(chunk);
          decoder.push(chunk);
        },
      });
      await capture.ready;
      url = `ws://127.0.0.1:${server.wsPort}/`;
    } else {
      proxy = await startTapProxy({
        listenHost: '127.0.0.1',
        listenPort: tapPort,
        upstreamHost: '127.0.0.1',
        upstreamPort: server.wsPort,
        onPacket: createTapRecorder(decoder, save?.stream),
      });
      url = `ws://127.0.0.1:${proxy.port}/`;
    }
    if (!values.quiet)
      process.stderr.write(`wirechat demo: chat on 127.0.0.1:${server.wsPort}, captured by ${how}\n`);

    if (browser)
      process.stderr.write(
        `wirechat demo: the chat's page: http://127.0.0.1:${server.webPort}/` +
          `${live ? '' : ' (its WebSocket goes through the tap)'}; Ctrl-C ends the demo\n`,
      );

    const session = playSeedSession(url);
    session.catch(() => undefined); // after Ctrl-C its users fail as the chat closes: expected
    await Promise.race([session, stopped]);
    // A person chats from the page until Ctrl-C, which is then the demo's normal end.
    if (browser && !interrupted) await stopped;
    // Both connections end with FINs both ways; wait for them to be decoded (a limit, not a timing).
    if (!interrupted)
      await Promise.race([
        waitFor(() => closed >= 2 && (!proxy || proxy.activeConnections === 0), 3000),
        stopped,
      ]);
    let captured: LiveCaptureResult | undefined;
    if (capture) {
      capture.stop();
      captured = await capture.done;
      capture = undefined;
    }
    if (proxy) {
      await proxy.close();
      proxy = undefined;
    }
    await view.end(decoder.end(), interrupted);
    if (captured) {
      const report = captureReportLines(captured, {
        command: 'demo',
        quiet: values.quiet === true,
        readerWasSlow: view.pausedOnce,
        bufferKiB: DEFAULT_BUFFER_KIB,
      });
      for (const line of report) process.stderr.write(line + '\n');
    }
    await save?.commit();
  } catch (err) {
    save?.discard();
    if (err instanceof UserError || err instanceof UsageError) throw err;
    throw new UserError(`the demo session failed: ${(err as Error).message}`, 'DEMO_FAILED', 1);
  } finally {
    capture?.stop();
    await proxy?.close();
    await server.close();
    removeSignals();
  }
  return interrupted && !browser ? 130 : 0;
}
