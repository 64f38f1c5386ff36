// The HTML ladder as people use it, in Chromium: arrows that say what a chat message means, the
// conversation first, whole hex dumps, the file name only, a labelled search, dark mode and a
// phone. A screenshot per state goes to test-output/ladder-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { launchChromium } from '../../testing/chromium.js';
import { fixturesDir, projectRoot, testOutputDir } from '../../shared/paths.js';
import { createHtmlRenderer, type LadderData } from './html-ladder.js';
import { openPage, SEED, seedEvents, seedPage, shot } from '../../testing/wire/html-test-page.js';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});
const open = (url: string, options: BrowserContextOptions = {}) => openPage(browser, url, options);

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
