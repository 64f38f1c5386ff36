// The four views as one shape: events in, bytes out to a ViewOutput, the summary last. Each
// writer owns how its format reaches the output: jsonl is encoded straight into output blocks,
// html is streamed row block by row block, text and tcpdump return text per batch.
import type { SummaryEvent, WireEvent } from '../events.js';
import { ByteOutput } from './byte-output.js';
import { writeJsonl } from './jsonl.js';
import { createHtmlRenderer, type HtmlRenderer } from './html-ladder.js';
import { createTcpdumpRenderer } from './tcpdump.js';
import { createTextRenderer } from './text.js';
import type { TimePrecision } from './format.js';
import type { ViewOutput } from './view-output.js';

export type ViewFormat = 'text' | 'tcpdump' | 'jsonl' | 'html';

export interface FormatWriter {
  write(events: readonly WireEvent[]): void;
  /** Hands on what the writer still holds (only jsonl holds anything between batches). */
  flush(): void;
  /** The view's own end: the summary line (jsonl), the rest of the page (html). */
  end(summary: SummaryEvent): void;
}

/** How the text and tcpdump views look. */
export interface LineViewSettings {
  utc?: boolean;
  precision?: TimePrecision;
  /** tcpdump view: ASCII (-A, the default) or hex and ASCII (-X). */
  dump?: 'A' | 'X';
  /** text view: hide segments that only acknowledge. */
  hideAcks?: boolean;
  /** text view: hide every TCP segment line. */
  hideTcp?: boolean;
  /** text view: most characters of a message body shown (default 2000). */
  maxBodyChars?: number;
}

/** jsonl: one encoder (jsonl.ts), writing into blocks of the output; the summary always ends it. */
class JsonlWriter implements FormatWriter {
  private readonly bytes: ByteOutput;
  private ending = false;

  constructor(
    out: ViewOutput,
    private readonly keep: ((name: string) => boolean) | undefined,
  ) {
    // A block the stream wrote at once (a file or pipe on stdout) is free again: it is refilled.
    this.bytes = new ByteOutput(
      (block) => (this.ending ? out.writeEnd(block) : out.write(block)),
      1 << 20,
      () => out.stream.writableLength === 0,
    );
  }

  write(events: readonly WireEvent[]): void {
    const keep = this.keep;
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      if (keep === undefined || keep(event.event)) writeJsonl(this.bytes, event);
    }
  }

  flush(): void {
    this.bytes.flush();
  }

  end(summary: SummaryEvent): void {
    this.ending = true;
    writeJsonl(this.bytes, summary);
    this.bytes.flush();
  }
}

/** html: the page is streamed, rows reach the output as they are decoded (memory stays bounded). */
class HtmlWriter implements FormatWriter {
  private readonly page: HtmlRenderer;

  constructor(
    private readonly out: ViewOutput,
    title: string,
    source: string,
  ) {
    this.page = createHtmlRenderer({ title, source, out: (piece) => out.write(piece) });
  }

  write(events: readonly WireEvent[]): void {
    this.page.render(events);
  }

  flush(): void {}

  end(summary: SummaryEvent): void {
    // The page goes out in pieces, as it is built: a long capture's page is never one string.
    this.page.writePage((piece) => this.out.writeEnd(piece), summary);
  }
}

/** text and tcpdump: one write per batch, so a terminal sees each packet as soon as it arrived. */
class LineWriter implements FormatWriter {
  private readonly render: (events: readonly WireEvent[]) => string;

  constructor(
    private readonly out: ViewOutput,
    format: 'text' | 'tcpdump',
    settings: LineViewSettings,
    color: boolean,
  ) {
    const { utc, precision } = settings;
    const renderer =
      format === 'tcpdump'
        ? createTcpdumpRenderer({ dump: settings.dump ?? 'A', utc, precision })
        : createTextRenderer({
            color,
            utc,
            precision,
            hideAcks: settings.hideAcks,
            hideTcp: settings.hideTcp,
            maxBodyChars: settings.maxBodyChars,
          });
    this.render = (events) => renderer.render(events);
  }

  write(events: readonly WireEvent[]): void {
    this.out.write(this.render(events));
  }

  flush(): void {}

  end(): void {}
}

export interface FormatWriterSettings {
  format: ViewFormat;
  lines: LineViewSettings;
  color: boolean;
  keepEvent: ((name: string) => boolean) | undefined;
  title: string;
  source: string;
}

export function createFormatWriter(out: ViewOutput, s: FormatWriterSettings): FormatWriter {
  switch (s.format) {
    case 'jsonl':
      return new JsonlWriter(out, s.keepEvent);
    case 'html':
      return new HtmlWriter(out, s.title, s.source);
    default:
      return new LineWriter(out, s.format, s.lines, s.color);
  }
}
