// The HTML view on a capture larger than its page may hold: the page keeps its limits of rows
// and bytes, cuts long messages to previews that say how much was left out, says in a banner
// where it stops, and still opens and works in a real browser. Also: the page streamed while
// decoding is the very page written at the end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser } from 'playwright-core';
import { launchChromium } from '../../testing/chromium.js';
import { testOutputDir } from '../../shared/paths.js';
import { createCaptureDecoder } from '../decode-capture.js';
import type { SummaryEvent } from '../events.js';
import { createHtmlRenderer, type HtmlViewOptions, type LadderData, type LadderRow } from './html-ladder.js';
import { makeChatCapture } from '../../testing/wire/html-test-capture.js';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

const MESSAGES = 3000;
const capture = makeChatCapture({ messages: MESSAGES, bigEvery: 50, bigBytes: 20_000 });

/** Decodes the capture in 64 KiB chunks (as `read` does, a batch per chunk) into a page. */
function page(options: HtmlViewOptions): { pieces: Array<string | Buffer>; html: string } {
  const r = createHtmlRenderer({ title: 'generated chat', source: 'generated.pcapng', ...options });
  const decoder = createCaptureDecoder({ includeFramePayloads: true }, (events) => r.render(events));
  for (let off = 0; off < capture.length; off += 65536) decoder.push(capture.subarray(off, off + 65536));
  const summary: SummaryEvent = decoder.end();
  const pieces: Array<string | Buffer> = [];
  r.writePage((piece) => pieces.push(piece), summary);
  const html = Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString();
  return { pieces, html };
}

const dataOf = (html: string): LadderData & { summary: SummaryEvent } => {
  const json = /<script type="application\/json" id="wirechat-data">(.*?)<\/script>/s.exec(html)![1]!;
  return JSON.parse(json) as LadderData & { summary: SummaryEvent };
};
/** Bytes of the rows array in the page. */
const rowBytes = (html: string): number => Buffer.byteLength(/"rows":\[(.*?)\],"lanes"/s.exec(html)![1]!);

test('a capture over the page limits: rows and bytes stay within them, long messages are previews', () => {
  const whole = dataOf(page({}).html);
  assert.equal(whole.dropped, 0, 'the default limits hold this capture whole');
  assert.equal(whole.summary.messages.client + whole.summary.messages.server, MESSAGES);
  const big = whole.rows.find((r) => r.text?.startsWith('{"type":"say","seq":49,'));
  assert.ok(big, 'the first big message has a row');
  // 20,000 bytes of text: a 4096-character preview and the count of the bytes left out.
  assert.equal(big.text!.length, 4096);
  assert.equal(
    big.tcut,
    Buffer.byteLength(JSON.stringify({ type: 'say', seq: 49, content: '' })) + 20_000 - 4096,
  );
  const small = whole.rows.find(
    (r) => r.text === '{"type":"say","seq":48,"content":"message 48: hello there"}',
  );
  assert.ok(small && small.tcut === undefined, 'small messages are kept whole');

  const maxPageBytes = 256 * 1024;
  const { html, pieces } = page({ maxPageBytes });
  const cut = dataOf(html);
  assert.ok(rowBytes(html) <= maxPageBytes, `${rowBytes(html)} bytes of rows`);
  assert.ok(cut.dropped > 0);
  // The page is the start of the capture: the same rows as the whole page's first ones.
  assert.equal(cut.rows.length + cut.dropped, whole.rows.length);
  assert.deepEqual(cut.rows, whole.rows.slice(0, cut.rows.length));
  const first = whole.rows[cut.rows.length]!;
  assert.deepEqual(cut.limits.firstDropped, { t: first.t, p: first.p });
  assert.equal(cut.limits.maxPageBytes, maxPageBytes);
  assert.ok(pieces.some((p) => Buffer.isBuffer(p)));

  const byRows = dataOf(page({ maxRows: 500 }).html);
  assert.equal(byRows.rows.length, 500);
  assert.equal(byRows.dropped, whole.rows.length - 500);
});

test('past maxTotalChars rows keep their explanations and say so; the rest of the budget holds', () => {
  const data = dataOf(page({ maxTotalChars: 100_000 }).html);
  assert.equal(data.dropped, 0);
  const bare = data.limits.bareFrom;
  assert.ok(bare, 'where rows start to go without text and bytes');
  const later = data.rows.filter((r: LadderRow) => r.t > bare.t);
  assert.ok(later.length > 1000, `${later.length} rows after the cut`);
  assert.ok(later.every((r) => r.text === undefined && r.wire === undefined && r.plain === undefined));
  assert.ok(later.every((r) => r.x.length > 0));
});

test('streamed while decoding, the page is the one written at the end', () => {
  const streamed: Array<string | Buffer> = [];
  let duringDecode = 0;
  const r = createHtmlRenderer({
    title: 'generated chat',
    source: 'generated.pcapng',
    out: (p) => streamed.push(p),
  });
  const decoder = createCaptureDecoder({ includeFramePayloads: true }, (events) => r.render(events));
  for (let off = 0; off < capture.length; off += 65536) decoder.push(capture.subarray(off, off + 65536));
  duringDecode = streamed.length;
  const summary = decoder.end();
  r.writePage((p) => streamed.push(p), summary);
  assert.ok(duringDecode > 2, `head and row blocks went out while decoding (${duringDecode} pieces)`);
  const html = Buffer.concat(streamed.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString();
  assert.equal(html, page({}).html);
});

test('the cut page opens in chromium: banner, rows, a click shows the preview and rebuilt hex', async () => {
  // Every row compacted (rebuilt by the page's script), as in a large capture's page.
  const { html } = page({ maxPageBytes: 256 * 1024, literalBytes: 0 });
  const data = dataOf(html);
  assert.ok(data.rows.some((r) => r.hx === 1 && r.mask !== undefined && r.wire === undefined));
  // Chat messages' arrows say what they mean; their captions are the start of the text, rebuilt.
  assert.ok(data.rows.some((r) => r.ct === 1 && r.cap === undefined));
  mkdirSync(testOutputDir, { recursive: true });
  const file = join(testOutputDir, 'ladder-limits.html');
  writeFileSync(file, html);
  const tab = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  try {
    const errors: string[] = [];
    tab.on('pageerror', (e) => errors.push(e.message));
    await tab.goto(pathToFileURL(file).href);
    const banner = (await tab.locator('#limits-banner').textContent()) ?? '';
    assert.ok(await tab.locator('#limits-banner').isVisible());
    assert.match(banner, new RegExp(`first ${data.rows.length} rows`));
    assert.match(
      banner,
      new RegExp(`the ${data.dropped} rows from packet ${data.limits.firstDropped!.p} at `),
    );
    assert.match(banner, /256 KB of row data/);
    assert.ok((await tab.locator('.row').count()) > 5, 'arrows drawn');

    // A big client message: its preview and how much was left out.
    await tab.fill('#find', '"seq":49,');
    await tab.locator('.row').first().click();
    const text = (await tab.locator('#detail-text').textContent()) ?? '';
    assert.match(text, /^\{"type":"say","seq":49,"content":"big 49 ab cd/);
    assert.match(
      (await tab.locator('.row.sel text.cap').textContent()) ?? '',
      /^\{"type":"say","seq":49,"content":"big 49/,
      'the rebuilt caption',
    );
    assert.match(text, /… \d+ more bytes not kept$/);
    // A small masked client message: the hex views the page rebuilt from its text.
    await tab.fill('#find', '"seq":2,');
    await tab.locator('.row').first().click();
    const wire = (await tab.locator('#detail pre.hex-wire').textContent()) ?? '';
    const plain = (await tab.locator('#detail pre.hex-plain').textContent()) ?? '';
    assert.match(wire, /mask key 0x[0-9a-f]{8}/);
    assert.match(plain, /^0000 {2}7b 22 74 79 70 65/m, 'unmasked bytes start with {"type');
    assert.notEqual(wire.replace(/mask key.*\n/, ''), plain);
    assert.deepEqual(errors, []);
  } finally {
    await tab.close();
  }
});

test('endpoints past the limits get no lane: a scan of many addresses keeps the page and memory small', () => {
  const r = createHtmlRenderer({ maxRows: 100 });
  for (let batch = 0; batch < 200; batch++) {
    r.render(
      Array.from({ length: 50 }, (_, i) => {
        const n = batch * 50 + i;
        return {
          event: 'tcp.segment' as const,
          ts: 1 + n / 1000,
          src: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}:40000`,
          dst: '10.0.0.2:80',
          conn: n,
          packet: n + 1,
          from: 'client' as const,
          flags: 'S',
          seq: 1,
          seqEnd: 2,
          ack: null,
          win: 100,
          len: 0,
          options: '',
          role: 'syn' as const,
        };
      }),
    );
  }
  const data = r.data();
  assert.equal(data.rows.length, 100);
  assert.equal(data.dropped, 10_000 - 100);
  // The kept rows' endpoints, plus at most one batch's more.
  assert.ok(data.lanes.length <= 100 + 50 + 1, `${data.lanes.length} lanes`);
});
