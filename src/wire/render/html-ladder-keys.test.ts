// The HTML ladder's links and keys, in Chromium: #packet-N selects and scrolls (also past the
// filters, and on a page of 20,000 rows), the keyboard does what the page's help says, and
// "copy as JSON" fills the clipboard. Screenshots go to test-output/ladder-*.png.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContextOptions } from 'playwright-core';
import { launchChromium } from '../../testing/chromium.js';
import type { WireEvent } from '../events.js';
import { testOutputDir } from '../../shared/paths.js';
import { createHtmlRenderer } from './html-ladder.js';
import { openPage, seedPage, shot } from '../../testing/wire/html-test-page.js';

let browser: Browser;
before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});
const open = (url: string, options: BrowserContextOptions = {}) => openPage(browser, url, options);

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
