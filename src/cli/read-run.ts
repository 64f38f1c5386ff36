// One `wirechat read` run, once its options are read and its input and view are open: the
// input's chunks go through the decoder into the view (waiting for a slow reader of the view),
// then the run ends with the summary, with Ctrl-C's summary, or with the one line that says why
// the input is no capture.
import type { ParsedArgs } from '../shared/args.js';
import { UserError } from '../shared/errors.js';
import {
  createCaptureDecoder,
  type CaptureDecoder,
  type CaptureDecoderOptions,
} from '../wire/decode-capture.js';
import type { DecodeProblemEvent } from '../wire/events.js';
import type { View } from '../wire/render/view.js';
import { createProgress, type Progress } from './read-progress.js';
import { onStopSignal } from './stop-signals.js';

/** What `read` takes its capture from: a file's chunks, or a stream (stdin, a pipe, a device). */
export type Input = AsyncIterable<Buffer> & { destroy(): void };

export interface ReadJob {
  values: ParsedArgs['values'];
  path: string;
  decoderOptions: CaptureDecoderOptions;
  stream: Input;
  size: number | undefined;
}

/** Reads the whole input into the view; the exit code, or a UserError for the input or output. */
export function readInto(view: View, job: ReadJob): Promise<number> {
  return new ReadRun(view, job).run();
}

class ReadRun {
  private readonly decoder: CaptureDecoder;
  private readonly progress: Progress;
  /** The first decode.problem: the reason given when the input turns out to be no capture. */
  private firstProblem: DecodeProblemEvent | undefined;
  private bytesRead = 0;
  // Ctrl-C ends the reading where it is (also while waiting for input or for the output to
  // drain) and the run ends with the summary of what was read, exit 130.
  private interrupted = false;
  private wake = (): void => undefined;
  private readonly stopped = new Promise<void>((resolve) => (this.wake = resolve));
  private readonly removeSignals: () => void;

  constructor(
    private readonly view: View,
    private readonly job: ReadJob,
  ) {
    this.decoder = createCaptureDecoder(job.decoderOptions, (events) => {
      if (this.firstProblem === undefined)
        this.firstProblem = events.find((e): e is DecodeProblemEvent => e.event === 'decode.problem');
      // Input that is no capture at all gets its one line on stderr, not a view on stdout.
      if (this.decoder.usable) view.write(events);
    });
    this.progress = createProgress({
      enabled:
        job.values.quiet !== true && process.stderr.isTTY === true && (view.toFile || !view.toTerminal),
      total: job.size,
    });
    this.removeSignals = onStopSignal(() => {
      this.interrupted = true;
      job.stream.destroy();
      this.wake();
    });
  }

  async run(): Promise<number> {
    const cut = await this.readAll();
    if (cut !== undefined) return cut;
    this.progress.done();
    if (this.view.failure) throw writeFailed(this.job.values, this.view.failure);
    if (this.view.readerGone) return 0;
    if (this.interrupted) return this.endInterrupted();
    return this.endWithSummary();
  }

  /** The reader of the view went away, or the view could not be written. */
  private get outputStopped(): boolean {
    return this.view.readerGone || this.view.failure !== undefined;
  }

  /** Every chunk of the input through the decoder; an exit code when an error cut the reading. */
  private async readAll(): Promise<number | undefined> {
    const { stream, path } = this.job;
    try {
      await this.pump();
    } catch (err) {
      this.progress.done();
      if (this.interrupted) return this.endInterrupted();
      if (this.outputStopped && !this.view.failure) return 0;
      const code = (err as NodeJS.ErrnoException).code;
      throw new UserError(`${path}: read failed (${code ?? (err as Error).message})`, 'READ_FAILED');
    } finally {
      // Past the reading, Ctrl-C is the default again (exit at once), unless it already came.
      if (!this.interrupted) this.removeSignals();
      if ((this.outputStopped || this.decoder.stopped) && stream !== process.stdin) stream.destroy();
    }
    return undefined;
  }

  private async pump(): Promise<void> {
    const { view, decoder } = this;
    for await (const chunk of this.job.stream) {
      this.bytesRead += chunk.length;
      decoder.push(chunk);
      // Whatever a chunk decoded is written before the next is read: a live capture's lines
      // come out as soon as they are decoded.
      view.flush();
      this.progress.update(this.bytesRead);
      // Garbage (a header that is no capture, a length that cannot be trusted) ends the run now:
      // reading the rest of /dev/zero or of an endless pipe would go on for ever.
      if (this.outputStopped || decoder.stopped || this.interrupted) break;
      if (view.blocked) {
        await Promise.race([view.drained(), this.stopped]);
        if (this.outputStopped || this.interrupted) break;
      }
    }
  }

  /** The input read to its end: the summary, or the one line saying why it is no capture. */
  private async endWithSummary(): Promise<number> {
    const { view, decoder, job } = this;
    const summary = decoder.end();
    if (this.bytesRead === 0) throw new UserError(`${job.path}: empty input, not a capture`, 'EMPTY_CAPTURE');
    if (!decoder.usable || decoder.format === undefined) {
      const problem = this.firstProblem;
      const why = problem ? `${problem.message} (${problem.code})` : 'not a pcap or pcapng capture';
      throw new UserError(`${job.path}: ${why}`, problem?.code ?? 'NOT_A_CAPTURE');
    }
    view.finish(summary);
    if (view.failure) throw writeFailed(job.values, view.failure);
    await view.close();
    return 0;
  }

  /** After Ctrl-C: the summary of what was read when there was a capture at all, exit 130. */
  private async endInterrupted(): Promise<number> {
    const { view, decoder } = this;
    const summary = decoder.end();
    if (decoder.usable && decoder.format !== undefined) view.finish(summary);
    // Reading stdin (a live `tcpdump -w -`), Ctrl-C is how the run ends: the view is kept. A
    // file's reading cut short leaves the old -o file as it was.
    if (view.toFile && this.job.path === '-') await view.close().catch(() => view.discard());
    else if (view.toFile) view.discard();
    else await view.close(true);
    this.removeSignals();
    return 130;
  }
}

function writeFailed(values: ParsedArgs['values'], err: Error): UserError {
  return new UserError(`cannot write ${String(values.output)}: ${err.message}`, 'OUTPUT_FAILED');
}
