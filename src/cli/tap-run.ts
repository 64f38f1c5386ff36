// One `wirechat tap` run, step by step: the view, the -w file, the decoder and the recorder that
// turns relayed bytes into packets are opened, the proxy is started and wired to them, the run waits
// for Ctrl-C (or the view's reader going away), then closes the proxy and ends with the summary.
// tap.ts reads the options; this file runs them.
import type { ParsedArgs } from '../shared/args.js';
import { safeLine } from '../shared/terminal-text.js';
import { createCaptureDecoder, type CaptureDecoder } from '../wire/decode-capture.js';
import { startTapProxy, type TapProxy, type TapProxyOptions } from '../wire/source/tap-proxy.js';
import { openOutputFile, type OutputFile } from '../wire/render/output-file.js';
import type { View } from '../wire/render/view.js';
import { openView, parseMaxMemory, parseChat } from './view-options.js';
import { onStopSignal } from './stop-signals.js';
import type { LiveTls } from './tls-options.js';
import { createTapRecorder, type TapRecorder } from './tap-recorder.js';

/** Where the tap ends TLS itself (--tls-cert/--tls-key, --upstream-tls…). */
export type TapTls = Pick<TapProxyOptions, 'serverTls' | 'upstreamTls'>;

/** What tap's own options asked for (the view's and the key log's are read where they are used). */
export interface TapSettings {
  listen: { host: string; port: number };
  upstream: { host: string; port: number };
  /** --listen and --upstream as given, for the html page's source line. */
  listenText: string;
  upstreamText: string;
  tapTls: TapTls;
  quiet: boolean;
}

export class TapCommandRun {
  private readonly view: View;
  private readonly save: OutputFile | undefined;
  private readonly decoder: CaptureDecoder;
  private readonly record: TapRecorder;
  /** Set once the proxy listens: until then a slow reader has nothing to slow down. */
  private proxy: TapProxy | undefined;
  /** Ends the wait for the stop; only while the run waits for it (see waitForStop). */
  private stopTap = (): void => undefined;
  private interrupted = false;
  private removeSignals = (): void => undefined;

  constructor(
    private readonly settings: TapSettings,
    values: ParsedArgs['values'],
    private readonly liveTls: LiveTls,
  ) {
    this.view = this.openView(values);
    // Interrupted for good (a second Ctrl-C), what was saved so far is kept, as tcpdump -w does.
    this.save =
      typeof values.write === 'string' ? openOutputFile(values.write, { keepOnExit: true }) : undefined;
    this.decoder = createCaptureDecoder(
      {
        includeFramePayloads: this.view.needsPayloads,
        tls: liveTls.tls,
        maxMemory: parseMaxMemory(values),
        chat: parseChat(values),
      },
      (events) => this.view.write(events),
    );
    this.record = this.createRecorder();
    liveTls.follow((lines) => {
      this.record.secrets(lines);
      this.decoder.deliver();
    });
  }

  /** Relays until Ctrl-C, then prints the summary: the exit code (0), or what failed. */
  async run(): Promise<number> {
    const proxy = await this.startProxy();
    this.announce(proxy);
    await this.waitForStop();
    try {
      await proxy.close();
      // Secrets written at the very end still count.
      this.liveTls.stop();
      this.record.end();
      const summary = this.decoder.end();
      // Interrupted while the output is stuck (its reader stopped reading): it is dropped, not waited for.
      await this.view.end(summary, this.interrupted);
      await this.save?.commit();
    } finally {
      this.removeSignals();
    }
    return 0;
  }

  private openView(values: ParsedArgs['values']): View {
    const { listen, upstream, listenText, upstreamText } = this.settings;
    return openView(values, {
      onReaderGone: () => this.stopTap(),
      // A slow reader of the view slows the relay: the tap stops reading its sockets meanwhile.
      onBackpressure: (paused) => (paused ? this.proxy?.pause() : this.proxy?.resume()),
      title: `wirechat tap ${listen.host}:${listen.port} → ${upstream.host}:${upstream.port}`,
      source: `tap --listen ${listenText} --upstream ${upstreamText}`,
    });
  }

  /** With a key log the saved file is pcapng with the secrets ahead of the packets that need them. */
  private createRecorder(): TapRecorder {
    const { liveTls } = this;
    return createTapRecorder(
      this.decoder,
      this.save?.stream,
      liveTls.tls.keys
        ? {
            initialLines: liveTls.takeInitialLines(),
            waiting: () => liveTls.waiting(),
            maxHeldBytes: liveTls.tls.keyWait?.maxBytes ?? 0,
          }
        : undefined,
    );
  }

  /** The proxy, listening, its packets into the recorder. */
  private async startProxy(): Promise<TapProxy> {
    const { listen, upstream, tapTls, quiet } = this.settings;
    try {
      this.proxy = await startTapProxy({
        listenHost: listen.host,
        listenPort: listen.port,
        upstreamHost: upstream.host,
        upstreamPort: upstream.port,
        onPacket: this.record,
        ...tapTls,
        onNotice: (n) => {
          if (!quiet) process.stderr.write(safeLine(`wirechat tap: ${n.message}`) + '\n');
        },
      });
      return this.proxy;
    } catch (err) {
      // Never started (the port is taken): the files that were there stay as they were.
      this.liveTls.stop();
      this.view.discard();
      this.save?.discard();
      throw err;
    }
  }

  /** The line that says where the tap listens and where it relays to. */
  private announce(proxy: TapProxy): void {
    if (this.settings.quiet) return;
    const { listen, upstream, tapTls } = this.settings;
    const scheme = (secure: boolean): string => (secure ? ' (TLS)' : '');
    process.stderr.write(
      safeLine(
        `wirechat tap: listening on ${listen.host}:${proxy.port}${scheme(tapTls.serverTls !== undefined)}, relaying to ${upstream.host}:${upstream.port}${scheme(tapTls.upstreamTls !== undefined)}; Ctrl-C stops`,
      ) + '\n',
    );
  }

  /** Until Ctrl-C or until the view's reader is gone (a pager quit): the relay runs meanwhile. */
  private async waitForStop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.removeSignals = onStopSignal(() => {
        this.interrupted = true;
        resolve();
      });
      this.stopTap = resolve;
    });
  }
}
