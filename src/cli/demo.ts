// `wirechat demo`: the seed document, reproduced. Starts the chat, captures it (live with tcpdump
// when that is possible, through the tap otherwise), plays the seed's session with two scripted
// users and prints the annotated capture — the masked frames readable.
import { spawnSync } from 'node:child_process';
import { parseCommandArgs, type CommandSpec } from '../shared/args.js';
import { UsageError, UserError } from '../shared/errors.js';
import { createChatServer } from '../chat/server.js';
import { createCaptureDecoder } from '../wire/decode-capture.js';
import { startLiveCapture, type LiveCapture } from '../wire/source/live-capture.js';
import { startTapProxy, type TapProxy } from '../wire/source/tap-proxy.js';
import { playSeedSession } from '../demo/seed-session.js';
import { createLiveView, viewOptions } from './live-view.js';
import { parseMaxMemory } from './view-options.js';
import { createTapRecorder } from './tap.js';

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
    ...viewOptions,
  },
  epilog: [
    'auto captures live with tcpdump when running as root with tcpdump installed, else through the tap.',
    '',
    'Examples:',
    '  npm run demo',
    '  wirechat demo --format html -o seed.html',
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

  const server = await createChatServer({ host: '127.0.0.1', wsPort: 0, webPort: 0, logLevel: 'silent' });
  let capture: LiveCapture | undefined;
  let proxy: TapProxy | undefined;
  try {
    const how = live
      ? `tcpdump -i any tcp port ${server.wsPort}`
      : `wirechat tap → chat on 127.0.0.1:${server.wsPort}`;
    const view = createLiveView(values, { title: 'wirechat demo: the seed session', source: how });
    let closed = 0;
    const decoder = createCaptureDecoder(
      { includeFramePayloads: view.needsPayloads, maxMemory: parseMaxMemory(values) },
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
        onData: (chunk) => decoder.push(chunk),
      });
      await capture.ready;
      url = `ws://127.0.0.1:${server.wsPort}/`;
    } else {
      proxy = await startTapProxy({
        listenHost: '127.0.0.1',
        listenPort: 0,
        upstreamHost: '127.0.0.1',
        upstreamPort: server.wsPort,
        onPacket: createTapRecorder(decoder),
      });
      url = `ws://127.0.0.1:${proxy.port}/`;
    }
    if (!values.quiet)
      process.stderr.write(`wirechat demo: chat on 127.0.0.1:${server.wsPort}, captured by ${how}\n`);

    await playSeedSession(url);
    // Both connections end with FINs both ways; wait for them to be decoded (a limit, not a timing).
    await waitFor(() => closed >= 2 && (!proxy || proxy.activeConnections === 0), 3000);
    if (capture) {
      capture.stop();
      await capture.done;
      capture = undefined;
    }
    if (proxy) {
      await proxy.close();
      proxy = undefined;
    }
    await view.end(decoder.end());
  } catch (err) {
    if (err instanceof UserError || err instanceof UsageError) throw err;
    throw new UserError(`the demo session failed: ${(err as Error).message}`, 'DEMO_FAILED', 1);
  } finally {
    capture?.stop();
    await proxy?.close();
    await server.close();
  }
  return 0;
}
