// Accessibility of the page at WCAG 2.2 AA, checked by axe-core inside real Chromium: the join
// form and a busy chat (own, others', private and mentioning messages, links, notices, dividers,
// the people list), in the light and the dark theme, at desktop and phone sizes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page } from 'playwright-core';
import { launchChromium } from '../testing/chromium.js';
import { createChatServer } from '../chat/server.js';

const webRoot = dirname(fileURLToPath(import.meta.url));
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21aa', 'wcag22aa'];

let server: Awaited<ReturnType<typeof createChatServer>>;
let browser: Browser;

before(async () => {
  server = await createChatServer({ host: '127.0.0.1', wsPort: 0, webPort: 0, logLevel: 'silent', webRoot });
  browser = await launchChromium();
});

after(async () => {
  await browser.close();
  await server.close();
});

type Violation = { id: string; impact: string; nodes: { target: string[]; failureSummary: string }[] };

/** axe's violations on the page as it is now, one line each (rule, element, why). */
async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  const found = await page.evaluate(async (tags) => {
    const axe = (window as unknown as { axe: { run(o: object): Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run({ runOnly: { type: 'tag', values: tags } });
    return result.violations;
  }, TAGS);
  return found.flatMap((v) => v.nodes.map((n) => `${v.id} ${n.target.join(' ')}: ${n.failureSummary}`));
}

const sizes = [
  { label: 'desktop', viewport: { width: 1100, height: 720 } },
  { label: 'phone', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
] as const;

for (const colorScheme of ['light', 'dark'] as const) {
  for (const size of sizes) {
    test(`no WCAG 2.2 AA violations: ${colorScheme} theme, ${size.label}`, async () => {
      const room = `a11y-${colorScheme}-${size.label}`;
      const open = async () => {
        // bypassCSP: the page's policy (rightly) refuses injected scripts, axe among them.
        const context = await browser.newContext({ ...size, colorScheme, bypassCSP: true });
        const page = await context.newPage();
        page.setDefaultTimeout(30_000);
        await page.goto(`http://127.0.0.1:${server.webPort}/`);
        return page;
      };
      const dora = await open();
      assert.deepEqual(await violations(dora), [], 'the join form');
      const join = async (page: Page, name: string) => {
        await page.getByLabel('Nickname').fill(name);
        await page.getByLabel('Room').fill(room);
        await page.getByRole('button', { name: 'Join' }).click();
        await page.locator('#chat-view').waitFor({ state: 'visible' });
      };
      await join(dora, 'dora');
      const names = ['amy', 'yuri', 'gus', 'cyd', 'lee', 'ola'];
      const others: Page[] = [];
      for (const name of names) {
        const page = await open();
        await join(page, name);
        others.push(page);
        const say = `@dora hello from ${name}, see https://example.org/${name}`;
        await page.locator('#text').fill(say);
        await page.locator('#text').press('Enter');
      }
      await dora.locator('#text').fill('my own message');
      await dora.locator('#text').press('Enter');
      // A private message from dora, so the private styles are on the page too.
      await dora.locator('#people button').first().click();
      await dora.locator('#text').fill('just for you');
      await dora.locator('#text').press('Enter');
      await dora.locator('#messages li.msg.private').waitFor();
      await dora
        .locator('#messages li.msg')
        .nth(names.length + 1)
        .waitFor();
      assert.deepEqual(await violations(dora), [], 'the chat');
      await others[0]!.context().close();
      await dora.locator('#messages .notice').getByText('amy left').waitFor();
      assert.deepEqual(await violations(dora), [], 'the chat with notices');
      for (const page of [dora, ...others.slice(1)]) await page.context().close();
    });
  }
}
