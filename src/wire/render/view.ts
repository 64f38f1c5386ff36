// One view of a decoder run, whatever feeds it (a capture file, tcpdump, the tap): events are
// written as they are decoded, and the run ends with the summary. The View owns everything
// between the decoder and the user's screen or file: the format, the event filter, colours
// (only on a terminal, never with NO_COLOR or TERM=dumb), a reader that went away (EPIPE), the
// -o file, backpressure, and the summary on stderr.
import type { Writable } from 'node:stream';
import type { SummaryEvent, WireEvent } from '../events.js';
import { formatSummary } from './text.js';
import { ViewOutput } from './view-output.js';
import {
  createFormatWriter,
  type FormatWriter,
  type LineViewSettings,
  type ViewFormat,
} from './view-formats.js';

export type { ViewFormat, LineViewSettings } from './view-formats.js';

export interface ViewSettings {
  format: ViewFormat;
  /** -o FILE (undefined or '-': stdout). */
  output?: string;
  /** The html page's title and source line (already safe to show). */
  title?: string;
  source?: string;
  /** jsonl: only the events this keeps (the summary always ends the output). */
  keepEvent?: (name: string) => boolean;
  /** How the text and tcpdump views look. */
  lines?: LineViewSettings;
  /** --no-color (colours are also off with NO_COLOR, TERM=dumb, and off a terminal). */
  noColor?: boolean;
  /** --quiet: no summary on stderr. */
  quiet?: boolean;
  /** Bytes held for a slow reader before the source is paused (default 0: at the first wait). */
  outputBuffer?: number;
  /**
   * 'batch' (the default): each write() goes out at once, for live sources. 'manual': what the
   * jsonl view encodes waits for flush() (a file's reader flushes once per chunk read).
   */
  flush?: 'batch' | 'manual';
  /** Called once when the reader of stdout went away (`| head`): the source should stop. */
  onReaderGone?: () => void;
  /** Called with true when the source must pause (the output is past its buffer), false to go on. */
  onBackpressure?: (paused: boolean) => void;
  /**
   * After Ctrl-C, waits (a bounded while) for stdout to take what it holds; the caller decides
   * what to do with a reader that takes nothing (the default waits for nothing).
   */
  flushOnStop?: (stdout: Writable) => Promise<void>;
  stdout?: Writable;
  stderr?: Writable;
  env?: NodeJS.ProcessEnv;
}

export class View {
  readonly format: ViewFormat;
  private readonly output: ViewOutput;
  private readonly writer: FormatWriter;
  private readonly stderr: Writable;

  /** Opens the -o file now, so a bad path is one clear line before anything starts. */
  constructor(private readonly settings: ViewSettings) {
    this.format = settings.format;
    this.stderr = settings.stderr ?? process.stderr;
    this.output = new ViewOutput({
      path: settings.output,
      stdout: settings.stdout,
      bufferLimit: settings.outputBuffer,
      onReaderGone: settings.onReaderGone,
      onBackpressure: settings.onBackpressure,
    });
    this.writer = createFormatWriter(this.output, {
      format: settings.format,
      lines: settings.lines ?? {},
      color: this.colored(),
      keepEvent: settings.keepEvent,
      title: settings.title ?? 'wirechat capture',
      source: settings.source ?? '',
    });
  }

  /** Whether the decoder must attach frame payloads: only the byte views show them. */
  get needsPayloads(): boolean {
    return this.format === 'tcpdump' || this.format === 'html';
  }

  /** The view goes to the -o file. */
  get toFile(): boolean {
    return this.output.file !== undefined;
  }

  /** The view goes to a terminal. */
  get toTerminal(): boolean {
    return this.output.toTerminal;
  }

  /** The reader of stdout went away (`| head`): the run ends quietly, with nothing more. */
  get readerGone(): boolean {
    return this.output.readerGone;
  }

  /** The -o file could not be written: the run fails. */
  get failure(): Error | undefined {
    return this.output.failure;
  }

  /** true while the output waits for its reader past the output buffer (the source is paused). */
  get blocked(): boolean {
    return this.output.blocked;
  }

  /** true once the source has been paused at least once. */
  get pausedOnce(): boolean {
    return this.output.pausedOnce;
  }

  write(events: readonly WireEvent[]): void {
    if (!this.output.open) return;
    this.writer.write(events);
    if (this.settings.flush !== 'manual') this.writer.flush();
  }

  /** Hands on what the view holds: a live capture's lines come out as soon as they are decoded. */
  flush(): void {
    if (this.output.open) this.writer.flush();
  }

  /** Resolves once the output took what it held past its buffer (or can take nothing more). */
  drained(): Promise<void> {
    return this.output.drained();
  }

  /** The view's end (the jsonl summary line, the page's end), then the summary on stderr. */
  finish(summary: SummaryEvent): void {
    if (this.output.open) this.writer.end(summary);
    // jsonl's summary is on stdout already: on stderr only for a person watching.
    const onStderr = this.format !== 'jsonl' || (this.stderr as { isTTY?: boolean }).isTTY === true;
    if (!this.settings.quiet && onStderr) this.stderr.write(formatSummary(summary) + '\n');
  }

  /**
   * Commits the -o file (renamed over its target; a failed write is OUTPUT_FAILED). Without one,
   * after Ctrl-C (`interrupted`), output a reader does not take is not waited for without end.
   */
  async close(interrupted = false): Promise<void> {
    if (this.output.file) await this.output.commit();
    else if (interrupted) await this.settings.flushOnStop?.(this.output.stream);
  }

  /** finish() and close(), unless the reader went away (then there is nobody to tell). */
  async end(summary: SummaryEvent, interrupted = false): Promise<void> {
    if (this.output.readerGone) return;
    this.finish(summary);
    await this.close(interrupted);
  }

  /** The run failed: an -o file is thrown away and the file that was there stays as it was. */
  discard(): void {
    this.output.discard();
  }

  private colored(): boolean {
    const env = this.settings.env ?? process.env;
    return (
      this.format === 'text' &&
      this.output.toTerminal &&
      !this.settings.noColor &&
      !env.NO_COLOR &&
      env.TERM !== 'dumb'
    );
  }
}
