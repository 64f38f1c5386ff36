// One `wirechat demo` run, once its options are read: the chat started, its capture (tcpdump or
// the tap) wired through the decoder to the view, the seed session played, then everything
// stopped in order so the view ends with the whole conversation and its summary.
import type { ParsedArgs } from '../shared/args.js';
import { UsageError, UserError } from '../shared/errors.js';
import { createChatServer, type ChatServer } from '../chat/server.js';
import { createCaptureDecoder, type CaptureDecoder } from '../wire/decode-capture.js';
import {
  DEFAULT_BUFFER_KIB,
  startLiveCapture,
  type LiveCapture,
  type LiveCaptureResult,
} from '../wire/source/live-capture.js';
import { startTapProxy, type TapProxy } from '../wire/source/tap-proxy.js';
import type { TlsOptions } from '../wire/tls/tls-connection.js';
import type { OutputFile } from '../wire/render/output-file.js';
import type { View } from '../wire/render/view.js';
import { playSeedSession } from '../demo/seed-session.js';
import { openView, parseMaxMemory, parseChat } from './view-options.js';
import { createTapRecorder } from './tap.js';
import { onStopSignal } from './stop-signals.js';
import { freePort } from '../shared/free-port.js';
import { captureReportLines } from './capture-report.js';

/** The demo's options, read and checked before anything starts. */
export interface DemoSettings {
  values: ParsedArgs['values'];
  /** Captured live with tcpdump (else through the tap). */
  live: boolean;
  /** After the scripted session the chat stays open for a browser until Ctrl-C. */
  browser: boolean;
  tls: TlsOptions;
  /** -w: the raw capture, saved as it is captured. */
  save: OutputFile | undefined;
}

/** Starts the chat and plays the demo; the exit code (130 after Ctrl-C, unless with --browser). */
export async function runDemo(settings: DemoSettings): Promise<number> {
  // Through the tap, the chat's page is told to connect through the tap as well, so a browser's
  // conversation is captured like the scripted users'.
  const tapPort = settings.live ? 0 : await freePort();
  const server = await createChatServer({
    host: '127.0.0.1',
    wsPort: 0,
    webPort: 0,
    logLevel: 'silent',
    ...(settings.live ? {} : { publicWsUrl: `ws://127.0.0.1:${tapPort}/` }),
  });
  return new DemoRun(settings, server, tapPort).run();
}

const waitFor = async (done: () => boolean, limitMs: number): Promise<void> => {
  const deadline = Date.now() + limitMs;
  while (!done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
};

class DemoRun {
  private capture: LiveCapture | undefined;
  private proxy: TapProxy | undefined;
  /** Connections whose end (FINs both ways, or a reset) was decoded. */
  private closed = 0;
  // Ctrl-C cuts the session short: what was captured so far is shown with its summary, exit 130.
  private interrupted = false;
  private stopNow = (): void => undefined;
  private readonly stopped = new Promise<void>((resolve) => (this.stopNow = resolve));
  private readonly removeSignals: () => void;
  /** How the chat is captured, as the view's source and the first line on stderr say it. */
  private readonly how: string;

  constructor(
    private readonly settings: DemoSettings,
    private readonly server: ChatServer,
    private readonly tapPort: number,
  ) {
    this.removeSignals = onStopSignal(() => {
      this.interrupted = true;
      this.stopNow();
    });
    this.how = settings.live
      ? `tcpdump -i any tcp port ${server.wsPort}`
      : `wirechat tap → chat on 127.0.0.1:${server.wsPort}`;
  }

  async run(): Promise<number> {
    const { save, browser } = this.settings;
    try {
      await this.play();
    } catch (err) {
      save?.discard();
      if (err instanceof UserError || err instanceof UsageError) throw err;
      throw new UserError(`the demo session failed: ${(err as Error).message}`, 'DEMO_FAILED', 1);
    } finally {
      this.capture?.stop();
      await this.proxy?.close();
      await this.server.close();
      this.removeSignals();
    }
    return this.interrupted && !browser ? 130 : 0;
  }

  private async play(): Promise<void> {
    const view = this.openDemoView();
    const decoder = this.createDecoder(view);
    const url = await this.startCapture(decoder);
    this.announce();
    await this.playSession(url);
    const captured = await this.stopCapture();
    await view.end(decoder.end(), this.interrupted);
    if (captured) this.reportCapture(captured, view);
    await this.settings.save?.commit();
  }

  private openDemoView(): View {
    return openView(this.settings.values, {
      title: 'wirechat demo: the seed session',
      source: this.how,
      // A slow reader of the view slows the source, as in capture and tap.
      onBackpressure: (paused) => {
        const source = this.capture ?? this.proxy;
        if (paused) source?.pause();
        else source?.resume();
      },
    });
  }

  private createDecoder(view: View): CaptureDecoder {
    const { values, tls } = this.settings;
    return createCaptureDecoder(
      {
        includeFramePayloads: view.needsPayloads,
        tls,
        maxMemory: parseMaxMemory(values),
        chat: parseChat(values),
      },
      (events) => {
        for (const ev of events)
          if (ev.event === 'tcp.close' && (ev.how === 'both-fin' || ev.how === 'rst')) this.closed++;
        view.write(events);
      },
    );
  }

  /** Starts tcpdump or the tap, feeding the decoder (and -w); the URL the scripted users dial. */
  private async startCapture(decoder: CaptureDecoder): Promise<string> {
    const { server, settings } = this;
    const save = settings.save;
    if (settings.live) {
      this.capture = startLiveCapture({
        iface: 'any',
        expression: ['tcp', 'port', String(server.wsPort)],
        onData: (chunk) => {
          save?.stream.write(chunk);
          decoder.push(chunk);
        },
      });
      await this.capture.ready;
      return `ws://127.0.0.1:${server.wsPort}/`;
    }
    this.proxy = await startTapProxy({
      listenHost: '127.0.0.1',
      listenPort: this.tapPort,
      upstreamHost: '127.0.0.1',
      upstreamPort: server.wsPort,
      onPacket: createTapRecorder(decoder, save?.stream),
    });
    return `ws://127.0.0.1:${this.proxy.port}/`;
  }

  private announce(): void {
    const { values, browser, live } = this.settings;
    const { wsPort, webPort } = this.server;
    if (!values.quiet)
      process.stderr.write(`wirechat demo: chat on 127.0.0.1:${wsPort}, captured by ${this.how}\n`);

    if (browser)
      process.stderr.write(
        `wirechat demo: the chat's page: http://127.0.0.1:${webPort}/` +
          `${live ? '' : ' (its WebSocket goes through the tap)'}; Ctrl-C ends the demo\n`,
      );
  }

  /** The seed session, then (with --browser) a person's until Ctrl-C, then the connections' ends. */
  private async playSession(url: string): Promise<void> {
    const session = playSeedSession(url);
    session.catch(() => undefined); // after Ctrl-C its users fail as the chat closes: expected
    await Promise.race([session, this.stopped]);
    // A person chats from the page until Ctrl-C, which is then the demo's normal end.
    if (this.settings.browser && !this.interrupted) await this.stopped;
    // Both connections end with FINs both ways; wait for them to be decoded (a limit, not a timing).
    if (!this.interrupted)
      await Promise.race([
        waitFor(() => this.closed >= 2 && (!this.proxy || this.proxy.activeConnections === 0), 3000),
        this.stopped,
      ]);
  }

  /** Stops the source so nothing more reaches the decoder; tcpdump's own account when live. */
  private async stopCapture(): Promise<LiveCaptureResult | undefined> {
    let captured: LiveCaptureResult | undefined;
    if (this.capture) {
      this.capture.stop();
      captured = await this.capture.done;
      this.capture = undefined;
    }
    if (this.proxy) {
      await this.proxy.close();
      this.proxy = undefined;
    }
    return captured;
  }

  /** tcpdump's counts (and drops) on stderr, after the view's summary. */
  private reportCapture(captured: LiveCaptureResult, view: View): void {
    const report = captureReportLines(captured, {
      command: 'demo',
      quiet: this.settings.values.quiet === true,
      readerWasSlow: view.pausedOnce,
      bufferKiB: DEFAULT_BUFFER_KIB,
    });
    for (const line of report) process.stderr.write(line + '\n');
  }
}
