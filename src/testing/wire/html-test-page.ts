// The seed session's ladder page for the browser tests of the HTML view: written to
// test-output/ (pages are opened as files, as people open them), opened in a fresh browser
// context, photographed as test-output/ladder-NAME.png.
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { createCaptureDecoder } from '../../wire/decode-capture.js';
import type { WireEvent } from '../../wire/events.js';
import { fixturesDir, testOutputDir } from '../../shared/paths.js';
import { renderHtml, type HtmlViewOptions } from '../../wire/render/html-ladder.js';

export const SEED = 'workerman-2014-seed-session.pcap';

export function seedEvents(): WireEvent[] {
  const events: WireEvent[] = [];
  const decoder = createCaptureDecoder({ includeFramePayloads: true }, (batch) => events.push(...batch));
  decoder.push(readFileSync(join(fixturesDir, SEED)));
  events.push(decoder.end());
  return events;
}

/** The seed session's page as a file, and the packet of mynick's "hi, all !". */
export function seedPage(name: string, options: HtmlViewOptions = {}): { file: string; say: number } {
  const events = seedEvents();
  const html = renderHtml(events, { title: SEED, source: SEED, ...options });
  mkdirSync(testOutputDir, { recursive: true });
  const file = join(testOutputDir, name);
  writeFileSync(file, html);
  const say = events.find(
    (e): e is Extract<WireEvent, { event: 'ws.message' }> =>
      e.event === 'ws.message' && e.from === 'client' && e.text?.includes('"content":"hi, all !"') === true,
  );
  assert.ok(say?.packet, 'the say is in the capture');
  return { file, say: say.packet };
}

/** Opens `url` in a context of its own (close it with page.context().close()). */
export async function openPage(
  browser: Browser,
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

export const shot = (page: Page, name: string) =>
  page.screenshot({ path: join(testOutputDir, `ladder-${name}.png`) });
