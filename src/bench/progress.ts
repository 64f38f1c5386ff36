// Progress on stderr: a live, rewritten line on a terminal; only milestone lines otherwise, so
// logs and CI output stay readable. Results never go here (they go to stdout).

export class Progress {
  private live = false;
  private lastDraw = 0;
  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly quiet = false,
  ) {}

  private get tty(): boolean {
    return Boolean(this.stream.isTTY);
  }

  /** A transient status (terminal only, at most ~5 redraws a second). */
  update(text: string): void {
    if (this.quiet || !this.tty) return;
    const now = Date.now();
    if (now - this.lastDraw < 200) return;
    this.lastDraw = now;
    this.stream.write(`\r\x1b[K${text}`);
    this.live = true;
  }

  /** A milestone kept on screen (and in logs). */
  line(text: string): void {
    if (this.quiet) return;
    if (this.live) this.stream.write('\r\x1b[K');
    this.live = false;
    this.stream.write(`${text}\n`);
  }

  /** Clears a transient status before results are printed. */
  done(): void {
    if (this.live) this.stream.write('\r\x1b[K');
    this.live = false;
  }
}
