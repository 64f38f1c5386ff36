// Where a view's bytes go: stdout, or the file named by -o (written beside its target and renamed
// over it only when the run succeeded, see output-file.ts).
//
// Two ways the output can stop taking bytes, told apart because they end a run differently:
// - the reader of stdout went away (`| head`, EPIPE): it wanted no more, so the run ends quietly;
// - the -o file could not be written (a full disk): the run fails and says so.
//
// The output never buffers without bound: once the stream holds more than `bufferLimit` bytes its
// reader is slow (a terminal scrolling, `| less` not reading), and the source is asked to pause
// until the stream has written everything it holds ('drain'). A limit of 0 pauses at the first
// write the stream could not complete at once.
import type { Writable } from 'node:stream';
import { openOutputFile, type OutputFile } from './output-file.js';

export interface ViewOutputSettings {
  /** -o FILE; undefined or '-' means stdout. */
  path?: string;
  /** Where the view goes without -o (default process.stdout). */
  stdout?: Writable;
  /** Bytes held for a slow reader before the source is paused (default 0). */
  bufferLimit?: number;
  /** Called once when the reader of stdout went away (`| head`): the source should stop. */
  onReaderGone?: () => void;
  /** Called with true when the source must pause, false when it may go on. */
  onBackpressure?: (paused: boolean) => void;
}

export class ViewOutput {
  /** The stream written: the -o file's, or stdout. */
  readonly stream: Writable;
  /** The -o file, when there is one. */
  readonly file: OutputFile | undefined;
  /** The reader of stdout went away: nothing more is written, and the run ends quietly. */
  readerGone = false;
  /** The -o file could not be written: nothing more is written, and the run fails. */
  failure: Error | undefined;
  /** The stream holds more than the limit: the source is paused until it drains. */
  blocked = false;
  /** The source was paused at least once (the reader was slow). */
  pausedOnce = false;
  private readonly bufferLimit: number;
  private waiters: Array<() => void> = [];

  /** Opens the -o file now, so a bad path is one clear line before anything starts. */
  constructor(private readonly settings: ViewOutputSettings) {
    this.bufferLimit = settings.bufferLimit ?? 0;
    if (settings.path !== undefined && settings.path !== '-') this.file = openOutputFile(settings.path);
    this.stream = this.file?.stream ?? settings.stdout ?? process.stdout;
    this.stream.on('error', (err: NodeJS.ErrnoException) => this.failed(err));
  }

  /** Whether the view goes to a terminal (no -o, and stdout is one). */
  get toTerminal(): boolean {
    return this.file === undefined && (this.stream as { isTTY?: boolean }).isTTY === true;
  }

  /** Whether the output takes bytes still. */
  get open(): boolean {
    return !this.readerGone && this.failure === undefined;
  }

  /** One piece of the view: past the limit, the source is paused until the stream drained. */
  write(piece: string | Buffer): void {
    if (!this.open || piece.length === 0) return;
    if (this.stream.write(piece) || this.blocked || this.stream.writableLength < this.bufferLimit) return;
    this.blocked = true;
    this.pausedOnce = true;
    this.settings.onBackpressure?.(true);
    this.stream.once('drain', () => {
      this.blocked = false;
      if (this.open) this.settings.onBackpressure?.(false);
      this.wakeWaiters();
    });
  }

  /** The end of the view (the summary, the page's end): the source is over, nothing to pause. */
  writeEnd(piece: string | Buffer): void {
    if (this.open && piece.length > 0) this.stream.write(piece);
  }

  /** Resolves once the output is not blocked (at once when it is not), or cannot be written. */
  drained(): Promise<void> {
    if (!this.blocked || !this.open) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Ends an -o file and renames it over the target; a failure is one line (OUTPUT_FAILED). */
  async commit(): Promise<void> {
    await this.file?.commit();
  }

  /** The run failed: an -o file is thrown away, and the file that was there stays as it was. */
  discard(): void {
    this.file?.discard();
  }

  private failed(err: NodeJS.ErrnoException): void {
    if (this.file !== undefined) this.failure ??= err;
    else if (err.code === 'EPIPE') {
      if (!this.readerGone) {
        this.readerGone = true;
        this.settings.onReaderGone?.();
      }
    } else throw err;
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
