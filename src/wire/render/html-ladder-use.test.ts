// The HTML ladder as people use it, in Chromium: arrows that say what a chat message means, the
// conversation first, whole hex dumps, a labelled search, dark mode, a phone, #packet-N links,
// the keyboard (documented on the page) and "copy as JSON". A screenshot per state goes to
// test-output/ladder-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium } from '../../shared/chromium.js';
import { createCaptureDecoder } from '../decode-capture.js';
import type { WireEvent } from '../events.js';
import { fixturesDir, projectRoot, testOutputDir } from '../../shared/paths.js';
import { createHtmlRenderer, renderHtml, type HtmlViewOptions, type LadderData } from './html-ladder.js';

const SEED = 'workerman-2014-seed-session.pcap';
let browser: Browser;
before(async () => {
  browser = await launchChromium();
  mkdirSync(testOutputDir, { recursive: true });
});
after(async () => {
  await browser?.close();
});

function seedEvents(): WireEvent[] {
  const events: WireEvent[] = [];
  const decoder = createCaptureDecoder({ includeFramePayloads: true }, (batch) => events.push(...batch));
  decoder.push(readFileSync(join(fixturesDir, SEED)));
  events.push(decoder.end());
  return events;
}

/** The seed session's page as a file (pages are opened as files, as people open them). */
function seedPage(name: string, options: HtmlViewOptions = {}): { file: string; say: number } {
  const events = seedEvents();
  const html = renderHtml(events, { title: SEED, source: SEED, ...options });
  const file = join(testOutputDir, name);
  writeFileSync(file, html);
  const say = events.find(
    (e): e is Extract<WireEvent, { event: 'ws.message' }> =>
      e.event === 'ws.message' && e.from === 'client' && e.text?.includes('"content":"hi, all !"') === true,
  );
  assert.ok(say?.packet, 'the say is in the capture');
  return { file, say: say.packet };
}

async function open(
  url: string,
  options: BrowserContextOptions = {},
): Promise<{ page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(url);
  return { page, errors };
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(testOutputDir, `ladder-${name}.png`) });

test('arrows say what a chat message means, captions how its content starts (also on a compact page)', async () => {
  const events = seedEvents();
  const r = createHtmlRenderer();
  r.render(events);
  const say = r.data().rows.find((row) => row.text?.includes('"content":"hi, all !"') && row.f === 'c');
  assert.ok(say);
  assert.equal(say.l, 'mynick says "hi, all !" to all');
  assert.equal(say.cap, '{"type":"say","to_uid":"all","content":"hi, all !"}');

  // literalBytes 0: every row leaves out what the page rebuilds; the page shows the same words.
  const { file } = seedPage('ladder-compact.html', { literalBytes: 0 });
  assert.match(readFileSync(file, 'utf8'), /"ct":1/, 'captions left out for the page to rebuild');
  const { page, errors } = await open(pathToFileURL(file).href);
  try {
    const row = page.locator('.row', { hasText: 'mynick says "hi, all !" to all' });
    assert.equal(await row.locator('text.lbl').textContent(), 'mynick says "hi, all !" to all');
    assert.equal(
      await row.locator('text.cap').textContent(),
      '{"type":"say","to_uid":"all","content":"hi, all !"}',
    );
    await shot(page, 'messages');
    assert.deepEqual(errors, []);
  } finally {
    await page.context().close();
  }
});

test('the page opens on the messages; TCP packets are one choice away', async () => {
  const { file } = seedPage('ladder-default.html');
  const { page } = await open(pathToFileURL(file).href);
  try {
    const kinds = await page
      .locator('.row')
      .evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.kind));
    assert.ok(kinds.includes('ws') && kinds.includes('http'), kinds.join());
    assert.ok(!kinds.some((k) => k === 'tcp' || k === 'data' || k === 'hs'), 'no TCP arrows by default');
    await page.getByLabel('TCP').selectOption('all');
    assert.ok((await page.locator('.row[data-kind="data"]').count()) > 0);
    await shot(page, 'tcp');
  } finally {
    await page.context().close();
  }
});

test('hex dumps are whole: no clipped line at 1400 or 1280 px, a kilobyte shown in full', async () => {
  const r = createHtmlRenderer({ title: 'hex' });
  const bytes = Buffer.alloc(1024, 0).map((_, i) => i & 0xff);
  r.render([
    {
      event: 'ws.message',
      ts: 1,
      src: '10.0.0.2:80',
      dst: '10.0.0.1:5000',
      conn: 1,
      packet: 1,
      from: 'server',
      opcode: 2,
      data_base64: Buffer.from(bytes).toString('base64'),
      length: 1024,
      wireLength: 1024,
      compressed: false,
      fragments: 1,
      masked: false,
    },
  ]);
  const file = join(testOutputDir, 'ladder-hex.html');
  writeFileSync(file, r.finish());
  const { file: seed, say } = seedPage('ladder-hex-seed.html');
  for (const width of [1400, 1280]) {
    const { page } = await open(pathToFileURL(file).href, { viewport: { width, height: 900 } });
    try {
      await page.locator('.row').first().click();
      const pre = page.locator('#detail pre.hex-plain');
      const box = await pre.evaluate((e) => ({
        sw: e.scrollWidth,
        cw: e.clientWidth,
        sh: e.scrollHeight,
        ch: e.clientHeight,
      }));
      assert.ok(box.sw <= box.cw, `no line clipped at ${width} px: ${JSON.stringify(box)}`);
      assert.ok(box.sh <= box.ch, `every line shown at ${width} px: ${JSON.stringify(box)}`);
      assert.match((await pre.textContent()) ?? '', /^03f0 {2}f0 f1 .* ff {2}/m, 'the last line is there');
      // The seed's masked say: both dumps whole.
      await page.goto(`${pathToFileURL(seed).href}#packet-${say}`);
      for (const cls of ['hex-wire', 'hex-plain']) {
        const b = await page.locator(`#detail pre.${cls}`).evaluate((e) => [e.scrollWidth, e.clientWidth]);
        assert.ok(b[0]! <= b[1]!, `${cls} not clipped at ${width} px: ${b.join(' > ')}`);
      }
      if (width === 1400) await shot(page, 'hex');
    } finally {
      await page.context().close();
    }
  }
});

test('title and header name the capture by its file name, never its folders', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-html-title-'));
  try {
    const out = join(dir, 'page.html');
    const r = spawnSync(process.execPath, [
      join(projectRoot, 'bin', 'wirechat.js'),
      'read',
      '-q',
      '-f',
      'html',
      '-o',
      out,
      join(fixturesDir, SEED),
    ]);
    assert.equal(r.status, 0, r.stderr.toString());
    const html = readFileSync(out, 'utf8');
    assert.match(html, new RegExp(`<title>${SEED.replace(/\./g, '\\.')}</title>`));
    const data = JSON.parse(/id="wirechat-data">(.*?)<\/script>/s.exec(html)![1]!) as LadderData;
    assert.equal(data.title, SEED);
    assert.equal(data.source, SEED);
    assert.ok(!html.includes(fixturesDir), 'no folder of this machine in the page');
    const { page } = await open(pathToFileURL(out).href);
    try {
      assert.equal(await page.title(), SEED);
      assert.equal(await page.locator('header h1').textContent(), SEED);
      assert.ok(!((await page.locator('header').textContent()) ?? '').includes(fixturesDir));
      await shot(page, 'title');
    } finally {
      await page.context().close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the search box has a label and finds text', async () => {
  const { file } = seedPage('ladder-search.html');
  const { page } = await open(pathToFileURL(file).href);
  try {
    const all = await page.locator('.row').count();
    await page.getByLabel('Search').fill('hi, all');
    const found = await page.locator('.row').allTextContents();
    assert.ok(found.length > 0 && found.length < all, `${found.length} of ${all}`);
    assert.ok(
      found.some((t) => t.includes('mynick says "hi, all !" to all')),
      found.join(' | '),
    );
    await shot(page, 'search');
  } finally {
    await page.context().close();
  }
});

test('dark mode follows the system setting', async () => {
  const { file, say } = seedPage('ladder-dark.html');
  const light = await open(`${pathToFileURL(file).href}#packet-${say}`, { colorScheme: 'light' });
  const dark = await open(`${pathToFileURL(file).href}#packet-${say}`, { colorScheme: 'dark' });
  try {
    const colours = (page: Page) =>
      page.evaluate(() => {
        const css = (sel: string, prop: string) =>
          getComputedStyle(document.querySelector(sel)!).getPropertyValue(prop);
        return {
          body: css('body', 'background-color'),
          ink: css('body', 'color'),
          detail: css('#detail', 'background-color'),
          pre: css('#detail pre', 'background-color'),
          note: css('rect.note-box', 'fill'),
        };
      });
    const l = await colours(light.page);
    const d = await colours(dark.page);
    const lum = (rgb: string) => {
      const [r, g, b] = rgb.match(/\d+/g)!.map(Number);
      return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    };
    for (const part of ['body', 'detail', 'pre', 'note'] as const) {
      assert.ok(lum(l[part]) > 200, `light ${part}: ${l[part]}`);
      assert.ok(lum(d[part]) < 60, `dark ${part}: ${d[part]}`);
    }
    assert.ok(lum(d.ink) > 200, `dark text is light: ${d.ink}`);
    await shot(dark.page, 'dark');
  } finally {
    await light.page.context().close();
    await dark.page.context().close();
  }
});

test('on a phone: nothing wider than the screen, the diagram above and the details below', async () => {
  const { file, say } = seedPage('ladder-phone.html');
  const { page, errors } = await open(pathToFileURL(file).href, {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
  });
  try {
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    await page.getByLabel('Search').fill('hi, all !');
    await page.locator('.row', { hasText: 'mynick says' }).first().tap();
    assert.match((await page.locator('#detail h2').textContent()) ?? '', /mynick says "hi, all !"/);
    const diagram = (await page.locator('#diagram').boundingBox())!;
    const detail = (await page.locator('#detail').boundingBox())!;
    assert.ok(detail.y >= diagram.y + diagram.height - 1, 'details below the diagram');
    for (const b of [diagram, detail]) assert.ok(b.x >= 0 && b.x + b.width <= 390 && b.y + b.height <= 845);
    assert.ok(diagram.height > 200 && detail.height > 200, `${diagram.height} / ${detail.height}`);
    // Three lanes fit the screen's width: no sideways scrolling to follow an arrow.
    const fit = await page.evaluate(() => {
      const scroller = document.getElementById('scroller')!;
      return [scroller.scrollWidth, scroller.clientWidth];
    });
    assert.ok(fit[0]! <= fit[1]!, `diagram ${fit[0]} px in ${fit[1]} px`);
    // Labels are cut to their arrows instead of running off the screen.
    for (const box of await page
      .locator('.row text')
      .evaluateAll((ts) =>
        ts.map((t) => (t as SVGTextElement).getBoundingClientRect()).map((b) => [b.left, b.right]),
      )) {
      assert.ok(box[0]! >= 0 && box[1]! <= 390, `label at ${box.join('–')} px`);
    }
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth));
    assert.equal(await page.evaluate(() => location.hash), `#packet-${say}`);
    await shot(page, 'phone');
    assert.deepEqual(errors, []);
  } finally {
    await page.context().close();
  }
});

test('#packet-N selects that packet and scrolls to it, also when the filters hid it; a click updates the link', async () => {
  const { file, say } = seedPage('ladder-deeplink.html');
  const { page } = await open(`${pathToFileURL(file).href}#packet-${say}`);
  try {
    assert.match((await page.locator('#detail h2').textContent()) ?? '', /mynick says "hi, all !"/);
    assert.equal(await page.locator('.row.sel').count(), 1);
    await shot(page, 'deeplink');
    await page.locator('.row[data-kind="http"]').first().click();
    assert.match(await page.evaluate(() => location.hash), /^#packet-\d+$/);
    assert.notEqual(await page.evaluate(() => location.hash), `#packet-${say}`);
    // A packet that is not in the page says so.
    await page.evaluate(() => (location.hash = '#packet-999999'));
    await page.locator('#detail', { hasText: 'Packet 999999 is not in this page.' }).waitFor();
    // Back to the say by changing the address alone.
    await page.evaluate((p) => (location.hash = `#packet-${p}`), say);
    await page.waitForFunction(() =>
      /mynick says/.test(document.querySelector('#detail h2')?.textContent ?? ''),
    );
  } finally {
    await page.context().close();
  }

  // 20,000 TCP-only packets: packet 15000 is far below, and hidden by the default filter.
  const r = createHtmlRenderer();
  const events: WireEvent[] = [];
  for (let i = 1; i <= 20_000; i++) {
    events.push({
      event: 'tcp.segment',
      ts: 1 + i / 1000,
      src: '10.0.0.1:5000',
      dst: '10.0.0.2:80',
      conn: 1,
      packet: i,
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
  const big = join(testOutputDir, 'ladder-deeplink-big.html');
  writeFileSync(big, r.finish());
  const far = await open(`${pathToFileURL(big).href}#packet-15000`);
  try {
    assert.equal(await far.page.locator('#tcp-filter').inputValue(), 'all');
    const sel = far.page.locator('.row.sel');
    assert.equal(await sel.count(), 1);
    assert.match((await far.page.locator('#detail .meta').textContent()) ?? '', /packet 15000$/);
    const row = (await sel.boundingBox())!;
    const view = (await far.page.locator('#scroller').boundingBox())!;
    assert.ok(row.y >= view.y && row.y + row.height <= view.y + view.height, 'scrolled into view');
  } finally {
    await far.page.context().close();
  }
});

test('the keyboard moves, searches and switches TCP, as the page documents', async () => {
  const { file } = seedPage('ladder-keys.html');
  const { page } = await open(pathToFileURL(file).href);
  try {
    await page.locator('#keys summary').click();
    const help = (await page.locator('#keys').textContent()) ?? '';
    for (const words of [
      'next row',
      'previous row',
      'search',
      'copy the selected row as JSON',
      '#packet-N',
    ]) {
      assert.ok(help.includes(words), `documented: ${words}`);
    }
    const selectedIndex = () => page.locator('.row.sel').getAttribute('data-index');
    await page.locator('#keys summary').click();
    await page.keyboard.press('j');
    const first = await selectedIndex();
    assert.equal(first, await page.locator('.row').first().getAttribute('data-index'));
    await page.keyboard.press('ArrowDown');
    const second = await selectedIndex();
    assert.notEqual(second, first);
    await page.keyboard.press('k');
    assert.equal(await selectedIndex(), first);
    await page.keyboard.press('End');
    // The last row of the diagram (rows exist only near the screen: compare positions).
    const shown = Number(/^(\d+) of/.exec((await page.locator('.stats').last().textContent()) ?? '')![1]);
    const top = await page.locator('.row.sel').evaluate((e) => (e as HTMLElement).style.top);
    assert.equal(top, `${(shown - 1) * 46}px`);
    await page.keyboard.press('/');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'find');
    await page.keyboard.type('hi, all');
    await page.keyboard.press('Escape');
    assert.equal(await page.locator('#find').inputValue(), '');
    await page.keyboard.press('Escape');
    assert.notEqual(await page.evaluate(() => document.activeElement?.id), 'find');
    for (const level of ['hs', 'all', 'none']) {
      await page.keyboard.press('t');
      assert.equal(await page.locator('#tcp-filter').inputValue(), level);
    }
    await page.locator('#keys summary').click();
    await shot(page, 'keys');
  } finally {
    await page.context().close();
  }
});

test('copy as JSON puts the selected message on the clipboard, by button or by key', async () => {
  const { file, say } = seedPage('ladder-copy.html');
  const { page } = await open(`${pathToFileURL(file).href}#packet-${say}`, {
    permissions: ['clipboard-read', 'clipboard-write'],
  });
  try {
    await page.getByRole('button', { name: 'Copy as JSON' }).click();
    await page.locator('#copy-status', { hasText: 'copied' }).waitFor();
    const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as Record<
      string,
      unknown
    >;
    assert.equal(copied.packet, say);
    assert.equal(copied.direction, 'client → server');
    assert.equal(copied.label, 'mynick says "hi, all !" to all');
    assert.deepEqual(copied.json, { type: 'say', to_uid: 'all', content: 'hi, all !' });
    assert.match(String(copied.time), /^\d{4}-\d\d-\d\dT/);
    await shot(page, 'copied');
    // The key: the next row, copied.
    await page.keyboard.press('j');
    await page.keyboard.press('c');
    await page.locator('#copy-status', { hasText: 'copied' }).waitFor();
    const next = JSON.parse(await page.evaluate(() => navigator.clipboard.readText())) as Record<
      string,
      unknown
    >;
    assert.notEqual(next.packet, say);
  } finally {
    await page.context().close();
  }
});
