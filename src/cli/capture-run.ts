// One `wirechat capture` run, step by step: the view, the -w file and the decoder are opened, tcpdump
// is started and wired to them, the run waits for tcpdump to end (Ctrl-C, -c, a failure), and ends
// with the summary and tcpdump's report. capture.ts reads the options; this file runs them.
import type { ParsedArgs } from '../shared/args.js';
import { safeLine } from '../shared/terminal-text.js';
import { createCaptureDecoder, type CaptureDecoder } from '../wire/decode-capture.js';
import { startLiveCapture, type LiveCapture } from '../wire/source/live-capture.js';
import { openOutputFile, type OutputFile } from '../wire/render/output-file.js';
import type { View } from '../wire/render/view.js';
import { captureReportLines } from './capture-report.js';
import { openView, parseMaxMemory, parseChat } from './view-options.js';
import { onStopSignal } from './stop-signals.js';
import type { LiveTls } from './tls-options.js';
import { createKeyedCaptureFile, type KeyedCaptureFile } from './keyed-capture-file.js';

/** What capture's own options asked for (the view's and the key log's are read where they are used). */
export interface CaptureSettings {
  iface: string;
  /** The tcpdump (BPF) filter, word by word. */
  expression: string[];
  count: number | undefined;
  bufferKiB: number;
  tcpdumpPath: string;
  quiet: boolean;
}

export class CaptureCommandRun {
  private readonly view: View;
  private readonly save: OutputFile | undefined;
  private readonly decoder: CaptureDecoder;
  private readonly keyed: KeyedCaptureFile | undefined;
  /** Set once tcpdump is started: until then the view's reader has nothing to stop or pause. */
  private capture: LiveCapture | undefined;
  // tcpdump stopped before it wrote its first byte (Ctrl-C at once) is an empty run, not a broken
  // capture: its "capture is empty" problem is not shown.
  private bytesSeen = 0;
  private interrupted = false;
  private removeSignals = (): void => undefined;

  constructor(
    private readonly settings: CaptureSettings,
    values: ParsedArgs['values'],
    private readonly liveTls: LiveTls,
  ) {
    this.view = this.openView(values);
    // Interrupted for good (a second Ctrl-C), what was captured so far is kept, as tcpdump -w does.
    this.save =
      typeof values.write === 'string' ? openOutputFile(values.write, { keepOnExit: true }) : undefined;
    this.decoder = this.createDecoder(values);
    this.keyed = this.openKeyedFile();
    liveTls.follow((lines) => {
      this.keyed?.secrets(lines);
      this.decoder.deliver();
    });
  }

  /** Starts tcpdump, waits for its end and prints the summary: the exit code (0), or what failed. */
  async run(): Promise<number> {
    this.startCapture();
    let ok = false;
    try {
      await this.waitForEnd();
      ok = true;
    } finally {
      this.removeSignals();
      this.liveTls.stop();
      if (!ok) {
        // tcpdump never ran (or failed): the files that were there stay as they were.
        this.view.discard();
        this.save?.discard();
      }
    }
    await this.save?.commit();
    return 0;
  }

  private openView(values: ParsedArgs['values']): View {
    const { iface, expression } = this.settings;
    return openView(values, {
      onReaderGone: () => this.capture?.stop(),
      // A slow reader of the view stops us reading tcpdump: the kernel drops and tcpdump counts it.
      onBackpressure: (paused) => (paused ? this.capture?.pause() : this.capture?.resume()),
      title: `wirechat capture on ${iface}`,
      source: `tcpdump -i ${iface}${expression.length ? ` ${expression.join(' ')}` : ''}`,
    });
  }

  private createDecoder(values: ParsedArgs['values']): CaptureDecoder {
    return createCaptureDecoder(
      {
        includeFramePayloads: this.view.needsPayloads,
        tls: this.liveTls.tls,
        maxMemory: parseMaxMemory(values),
        chat: parseChat(values),
      },
      (events) => {
        if (this.bytesSeen > 0) this.view.write(events);
      },
    );
  }

  /** With a key log the saved file is pcapng, so that it can carry the secrets. */
  private openKeyedFile(): KeyedCaptureFile | undefined {
    const { save, liveTls } = this;
    if (!save || !liveTls.tls.keys) return undefined;
    return createKeyedCaptureFile(save.stream, {
      initialLines: liveTls.takeInitialLines(),
      application: 'wirechat capture',
      waiting: () => liveTls.waiting(),
      maxHeldBytes: liveTls.tls.keyWait?.maxBytes ?? 0,
    });
  }

  /** tcpdump's bytes go to the decoder and to the -w file; Ctrl-C stops tcpdump. */
  private startCapture(): void {
    const { iface, expression, count, tcpdumpPath, bufferKiB } = this.settings;
    const capture = startLiveCapture({
      iface,
      expression,
      ...(count !== undefined ? { count } : {}),
      tcpdumpPath,
      bufferKiB,
      onData: (chunk) => {
        this.bytesSeen += chunk.length;
        // The decoder first: a connection it starts holding for its secrets holds the file too.
        this.decoder.push(chunk);
        if (this.keyed) this.keyed.push(chunk);
        else this.save?.stream.write(chunk);
      },
    });
    this.capture = capture;
    // Ctrl-C stops tcpdump, which flushes; the run then ends normally with the summary.
    this.removeSignals = onStopSignal(() => {
      this.interrupted = true;
      capture.stop();
    });
  }

  /** From tcpdump's start to its report: throws when tcpdump could not run or failed. */
  private async waitForEnd(): Promise<void> {
    const capture = this.capture!;
    await capture.ready;
    this.announce();
    const result = await capture.done;
    // Secrets written at the very end still count.
    this.liveTls.stop();
    this.keyed?.end();
    let summary = this.decoder.end();
    if (this.bytesSeen === 0) summary = { ...summary, problems: 0, problemsByCode: {} };
    // Interrupted while the output is stuck (its reader stopped reading): it is dropped, not waited for.
    await this.view.end(summary, this.interrupted);
    const report = captureReportLines(result, {
      command: 'capture',
      quiet: this.settings.quiet,
      readerWasSlow: this.view.pausedOnce,
      bufferKiB: this.settings.bufferKiB,
    });
    for (const line of report) process.stderr.write(line + '\n');
  }

  /** The line that says tcpdump listens (not when Ctrl-C came first). */
  private announce(): void {
    if (this.settings.quiet || this.interrupted) return;
    const { iface, expression } = this.settings;
    const filter = expression.length ? ` (filter: ${expression.join(' ')})` : '';
    process.stderr.write(safeLine(`wirechat capture: listening on ${iface}${filter}; Ctrl-C stops`) + '\n');
  }
}
