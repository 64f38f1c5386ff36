// A scrape's cost bounded whatever the number of scrapers: /metrics is rendered at most once per
// interval, every scrape meanwhile gets the text already rendered, and scrapes that arrive while a
// render is under way wait for that one instead of starting their own. Without this, 32 scrape
// loops each walked every room and (in a cluster) each asked every worker over IPC.

export class ScrapeCache {
  /** Renders done so far (shown in /metrics, so a test can count them from outside). */
  renders = 0;
  private text: string | undefined;
  private renderedAt = 0;
  private inFlight: Promise<string> | undefined;

  constructor(
    private readonly render: (renders: number) => Promise<string>,
    private readonly minIntervalMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get(): Promise<string> {
    if (this.inFlight) return this.inFlight;
    if (this.text !== undefined && this.now() - this.renderedAt < this.minIntervalMs) {
      return Promise.resolve(this.text);
    }
    const rendering = this.render(++this.renders).then(
      (text) => {
        this.text = text;
        this.renderedAt = this.now();
        return text;
      },
      // A failed render is not cached: the next scrape tries again.
    );
    this.inFlight = rendering;
    const clear = () => {
      if (this.inFlight === rendering) this.inFlight = undefined;
    };
    rendering.then(clear, clear);
    return rendering;
  }
}
