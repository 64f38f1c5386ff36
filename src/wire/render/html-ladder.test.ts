// The HTML view in a real browser: the seed session's capture decoded, drawn, clicked, and
// photographed (test-output/ladder.png), plus hostile text that must stay text.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser } from 'playwright-core';
import { launchChromium } from '../../testing/chromium.js';
import { createCaptureDecoder } from '../decode-capture.js';
import type { WireEvent } from '../events.js';
import { fixturesDir, testOutputDir } from '../../shared/paths.js';
import { createHtmlRenderer, embedJson, renderHtml } from './html-ladder.js';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

function decodeFile(name: string): { events: WireEvent[]; html: string } {
  const events: WireEvent[] = [];
  const decoder = createCaptureDecoder({ includeFramePayloads: true }, (batch) => events.push(...batch));
  decoder.push(readFileSync(join(fixturesDir, name)));
  const summary = decoder.end();
  events.push(summary);
  return { events, html: renderHtml(events, { title: 'the seed session', source: name }) };
}

test('embedded JSON cannot close the script or open a comment', () => {
  const json = embedJson({ text: '</script><!-- <script>alert(1)</script> \u2028' });
  assert.doesNotMatch(json, /</);
  assert.deepEqual(JSON.parse(json), { text: '</script><!-- <script>alert(1)</script> \u2028' });
});

test('the page written in pieces is the page in one string: its data is the diagram, rows in blocks', () => {
  const { events } = decodeFile('ws-echo-lo.pcap');
  const summary = events.at(-1)!;
  assert.equal(summary.event, 'summary');
  const r = createHtmlRenderer({ title: 'many <rows> & more', source: 'x.pcap' });
  // Enough rows for several blocks (rows are serialised a few hundred KB at a time).
  for (let i = 0; i < 40; i++) r.render(events.slice(0, -1));
  const data = r.data();
  assert.ok(data.rows.length > 5000, `${data.rows.length} rows`);
  const pieces: Array<string | Buffer> = [];
  r.writePage((piece) => pieces.push(piece), summary.event === 'summary' ? summary : undefined);
  assert.ok(pieces.filter((p) => Buffer.isBuffer(p)).length > 2, 'rows go out as several blocks');
  const page = Buffer.concat(pieces.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))).toString();
  const json = /<script type="application\/json" id="wirechat-data">(.*?)<\/script>/s.exec(page)![1]!;
  assert.doesNotMatch(json, /</);
  assert.deepEqual(JSON.parse(json), { ...data, summary });
  assert.equal(data.dropped, 0);
  assert.match(page, /<title>many &lt;rows&gt; &amp; more<\/title>/);
  // The same page in one string.
  const again = createHtmlRenderer({ title: 'many <rows> & more', source: 'x.pcap' });
  for (let i = 0; i < 40; i++) again.render(events.slice(0, -1));
  assert.equal(again.finish(summary.event === 'summary' ? summary : undefined), page);
});

test('the seed capture as a ladder in chromium: lanes, arrows, and a click shows the unmasked text and both hexes', async () => {
  const { html } = decodeFile('workerman-2014-seed-session.pcap');
  mkdirSync(testOutputDir, { recursive: true });
  const file = join(testOutputDir, 'ladder.html');
  writeFileSync(file, html);
  const page = await browser.newPage({ viewport: { width: 1500, height: 900 } });
  try {
    const requests: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) requests.push(r.url());
    });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(pathToFileURL(file).href);
    // Two browsers and the server: three lanes.
    assert.equal(await page.locator('.lane-head').count(), 3);
    // The page opens on the messages; every TCP packet is one choice away.
    assert.equal(await page.locator('#tcp-filter').inputValue(), 'none');
    assert.equal(await page.locator('.row[data-kind="tcp"], .row[data-kind="data"]').count(), 0);
    await page.selectOption('#tcp-filter', 'all');
    assert.ok((await page.locator('.row svg line').count()) > 10, 'arrows drawn');
    const labels = await page.locator('.row text.lbl').allTextContents();
    for (const l of ['SYN', 'SYN-ACK', 'ACK']) assert.ok(labels.includes(l), `an arrow labelled ${l}`);
    assert.ok(
      labels.some((l) => l.startsWith('GET /')),
      'the upgrade request',
    );
    assert.ok(
      labels.some((l) => /101/.test(l)),
      'the upgrade response',
    );

    // The client's masked say: click it, read the decoded text and both hex views.
    // Rows are drawn only when in view: find narrows the diagram to the say.
    await page.fill('#find', 'to_uid":"all","content');
    const say = page.locator('.row', { hasText: '{"type":"say","to_uid":"all"' }).first();
    await say.click();
    assert.match((await page.locator('#detail-text').textContent()) ?? '', /hi, all !/);
    const wire = (await page.locator('#detail pre.hex-wire').textContent()) ?? '';
    const plain = (await page.locator('#detail pre.hex-plain').textContent()) ?? '';
    assert.match(wire, /mask key 0x[0-9a-f]{8}/);
    assert.match(plain, /^0000 {2}7b 22 74 79 70 65/m, 'unmasked bytes start with {"type');
    assert.notEqual(wire.replace(/mask key.*\n/, ''), plain);

    // Filtering by connection and collapsing TCP keep the page consistent.
    await page.fill('#find', '');
    const before = await page.locator('.row').count();
    await page.selectOption('#tcp-filter', 'none');
    assert.ok((await page.locator('.row[data-kind="tcp"], .row[data-kind="hs"]').count()) === 0);
    await page.selectOption('#conn-filter', { index: 1 });
    assert.equal(await page.locator('.lane-head').count(), 2);
    await page.selectOption('#conn-filter', '');
    await page.selectOption('#tcp-filter', 'all');
    await page.fill('#find', '');
    assert.equal(await page.locator('.row').count(), before);

    // The picture: TCP bookkeeping collapsed, the say selected, scrolled into view by hand
    // (rows exist only when on screen).
    await page.selectOption('#tcp-filter', 'hs');
    const target = page.locator('.row', { hasText: '{"type":"say","to_uid":"all"' }).first();
    for (let y = 0; y < 20000 && (await target.count()) === 0; y += 300) {
      await page.evaluate((top) => {
        document.getElementById('scroller')!.scrollTop = top;
      }, y);
    }
    await target.click();
    await page.evaluate(() => {
      const s = document.getElementById('scroller')!;
      s.scrollTop = Math.max(0, s.scrollTop - 200);
    });
    await page.screenshot({ path: join(testOutputDir, 'ladder.png') });
    assert.deepEqual(errors, []);
    assert.deepEqual(requests, [], 'the page loads nothing from the network');
  } finally {
    await page.close();
  }
});

test('hostile message text stays text: no markup, no script runs', async () => {
  const evil = '</script><img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
  const r = createHtmlRenderer({ title: '<b>title</b>' });
  const base = { ts: 1, src: '10.0.0.1:5000', dst: '10.0.0.2:80', conn: 1, packet: 1 };
  r.render([
    {
      ...base,
      event: 'ws.message',
      from: 'client',
      opcode: 1,
      text: evil,
      length: evil.length,
      wireLength: evil.length,
      compressed: false,
      fragments: 1,
      masked: true,
    },
  ]);
  const html = r.finish();
  assert.equal(html.match(/<\/script>/g)?.length, 2, 'only the page’s own two scripts close');
  const page = await browser.newPage();
  try {
    await page.setContent(html);
    await page.locator('.row').first().click();
    assert.equal(await page.locator('#detail-text').textContent(), evil);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await page.title(), '<b>title</b>');
  } finally {
    await page.close();
  }
});

test('a large capture renders only the rows in view', async () => {
  const r = createHtmlRenderer();
  const events: WireEvent[] = [];
  for (let i = 0; i < 20000; i++) {
    events.push({
      event: 'tcp.segment',
      ts: 1 + i / 1000,
      src: '10.0.0.1:5000',
      dst: '10.0.0.2:80',
      conn: 1,
      packet: i + 1,
      from: 'client',
      flags: '.',
      seq: 1,
      seqEnd: 1,
      ack: i,
      win: 100,
      len: 0,
      options: '',
      role: 'ack',
    });
  }
  r.render(events);
  const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
  try {
    await page.setContent(r.finish());
    // A capture without messages starts with its packets, collapsed when there are many…
    assert.equal(await page.locator('#tcp-filter').inputValue(), 'hs');
    assert.equal(await page.locator('.row').count(), 0);
    await page.selectOption('#tcp-filter', 'all');
    // …and even when shown, only a screenful (plus a margin) exists in the DOM.
    const drawn = await page.locator('.row').count();
    assert.ok(drawn > 5 && drawn < 100, `drawn ${drawn}`);
  } finally {
    await page.close();
  }
});

test('the page keeps at most maxTotalChars of bytes and text, so a huge capture stays openable', () => {
  const r = createHtmlRenderer({ maxTotalChars: 3000 });
  const base = { ts: 1, src: '10.0.0.1:5000', dst: '10.0.0.2:80', conn: 1, from: 'server' as const };
  const big = 'x'.repeat(2000);
  for (let i = 1; i <= 3; i++) {
    r.render([
      {
        ...base,
        packet: i,
        event: 'ws.message',
        opcode: 1,
        text: big,
        length: 2000,
        wireLength: 2000,
        compressed: false,
        fragments: 1,
        masked: false,
      },
    ]);
  }
  const rows = r.data().rows;
  assert.deepEqual(
    rows.map((row) => row.text?.length ?? 0),
    [2000, 1000, 0],
  );
  // Every row is still drawn, with its explanation.
  assert.ok(rows.every((row) => row.x.length > 0));
});
