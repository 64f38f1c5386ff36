// The page keeps who you are, in a real browser against the real server: a reload or a short
// network drop comes back as the same person with nobody told; a drop longer than the grace period
// is one "left" and one "joined"; a second tab with the same token takes the chat over; a name
// already used in the room is refused in words; links, mentions and Leave work.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { launchChromium } from '../testing/chromium.js';
import { createChatServer } from '../chat/server.js';

const webRoot = dirname(fileURLToPath(import.meta.url));
const WAIT = 30_000;
const GRACE_S = 8;

let server: Awaited<ReturnType<typeof createChatServer>>;
let browser: Browser;
const contexts: BrowserContext[] = [];

before(async () => {
  server = await createChatServer({
    host: '127.0.0.1',
    wsPort: 0,
    webPort: 0,
    logLevel: 'silent',
    webRoot,
    reconnectGrace: GRACE_S,
  });
  browser = await launchChromium();
});

after(async () => {
  await browser.close();
  await server.close();
});

type Frames = { received: Record<string, unknown>[] };

/**
 * A tab whose network the test can cut: every WebSocket the page makes is kept in `__net`, and
 * while `__net.blocked` is set no new one can open (as when the network is gone).
 */
async function tab(context: BrowserContext, frames?: Frames): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  await page.addInitScript(() => {
    const Native = window.WebSocket;
    const net = { sockets: [] as WebSocket[], blocked: false };
    (window as unknown as { __net: typeof net }).__net = net;
    window.WebSocket = class extends Native {
      constructor(url: string | URL, protocols?: string | string[]) {
        if (net.blocked) throw new Error('network down');
        super(url, protocols);
        net.sockets.push(this);
      }
    };
  });
  if (frames) {
    page.on('websocket', (ws) =>
      ws.on('framereceived', (f) =>
        frames.received.push(JSON.parse(String(f.payload)) as Record<string, unknown>),
      ),
    );
  }
  return page;
}

async function person(name: string, room: string, frames?: Frames): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 720 } });
  contexts.push(context);
  const page = await tab(context, frames);
  await page.goto(`http://127.0.0.1:${server.webPort}/`);
  await page.getByLabel('Nickname').fill(name);
  await page.getByLabel('Room').fill(room);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.locator('#chat-view').waitFor({ state: 'visible' });
  return page;
}

async function say(page: Page, text: string): Promise<void> {
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter');
}

const messageItem = (page: Page, text: string) =>
  page.locator('#messages li.msg').filter({ has: page.locator('.text').getByText(text, { exact: true }) });

const myId = (page: Page) => page.locator('#people li:has(.you)').getAttribute('data-id');

/** Presence frames about `id` that `frames` saw: any of them means someone was told. */
const toldAbout = (frames: Frames, id: string | null) =>
  frames.received.filter(
    (f) => (f.type === 'joined' || f.type === 'left') && (f.user as { id: string }).id === id,
  );

/** Cuts the tab's network for `ms`: its socket closes and it cannot reconnect until then. */
async function dropFor(page: Page, ms: number): Promise<void> {
  await page.evaluate(() => {
    const net = (window as unknown as { __net: { sockets: WebSocket[]; blocked: boolean } }).__net;
    net.blocked = true;
    net.sockets.at(-1)!.close();
  });
  await page.locator('body[data-state="offline"]').waitFor();
  await page.waitForTimeout(ms);
  await page.evaluate(() => {
    (window as unknown as { __net: { blocked: boolean } }).__net.blocked = false;
  });
  // The page's own back-off may reconnect before the click lands: the button is only a shortcut.
  await page
    .getByRole('button', { name: 'Retry now' })
    .click({ timeout: 1000 })
    .catch(() => undefined);
  await page.locator('body[data-state="online"]').waitFor();
}

let alice: Page;
let bob: Page;
const bobFrames: Frames = { received: [] };
let aliceId: string | null;

test('a reload keeps the identity: no join form, own messages still mine, history before the join notice, nobody told', async () => {
  alice = await person('alice', 'lobby');
  bob = await person('bob', 'lobby', bobFrames);
  aliceId = await myId(alice);
  await say(alice, 'before the reload');
  await messageItem(bob, 'before the reload').waitFor();
  const hue = await messageItem(bob, 'before the reload').getAttribute('style');

  await alice.reload();
  await alice.locator('#chat-view').waitFor({ state: 'visible' });
  assert.equal(await alice.locator('#join-view').isHidden(), true, 'no join form');
  assert.equal(await alice.locator('#me-name').textContent(), 'alice');
  assert.equal(await myId(alice), aliceId, 'the same user id');
  const mine = messageItem(alice, 'before the reload');
  await mine.waitFor();
  assert.match((await mine.getAttribute('class')) ?? '', /\bown\b/, 'my earlier message is still mine');
  // Replayed messages, then the divider, then the notice.
  await alice.locator('#messages .notice').getByText('You joined #lobby as alice.').waitFor();
  const order = await alice
    .locator('#messages > li')
    .evaluateAll((items) => items.map((li) => (li.classList.contains('msg') ? 'msg' : li.className)));
  assert.deepEqual(order.slice(-3), ['msg', 'divider', 'notice info']);

  await say(alice, 'after the reload');
  const again = messageItem(bob, 'after the reload');
  await again.waitFor();
  assert.equal(await again.getAttribute('style'), hue, 'the same avatar colour');
  assert.deepEqual(toldAbout(bobFrames, aliceId), []);
  assert.equal(await bob.locator('#messages .notice').getByText('alice left').count(), 0);
});

test('a network drop of 5 s: nothing announced, nothing lost', async () => {
  const drop = dropFor(alice, 5000);
  await alice.locator('body[data-state="offline"]').waitFor();
  await say(bob, 'said while alice was away');
  await drop;
  await messageItem(alice, 'said while alice was away').waitFor();
  await alice.locator('#messages .divider').getByText('While you were away ↑').waitFor();
  assert.equal(await myId(alice), aliceId);
  await say(alice, 'back from the drop');
  await messageItem(bob, 'back from the drop').waitFor();
  assert.deepEqual(toldAbout(bobFrames, aliceId), []);
});

test('a drop longer than the grace period: one left, then a joined on return', async () => {
  await dropFor(alice, GRACE_S * 1000 + 1500);
  await bob.locator('#messages .notice').getByText('alice joined').waitFor();
  const told = toldAbout(bobFrames, aliceId).map((f) => f.type);
  assert.deepEqual(told, ['left'], 'the old identity left once');
  assert.notEqual(await myId(alice), aliceId, 'a new identity after the grace period');
  aliceId = await myId(alice);
  assert.deepEqual(
    toldAbout(bobFrames, aliceId).map((f) => f.type),
    ['joined'],
  );
});

test('two tabs with one token: the newer one has the chat, the older says so; nobody is told', async () => {
  const saved = await alice.evaluate(() => sessionStorage.getItem('wirechat.session'));
  assert.ok(saved);
  const second = await tab(alice.context());
  await second.addInitScript((value) => sessionStorage.setItem('wirechat.session', value), saved);
  await second.goto(`http://127.0.0.1:${server.webPort}/`);
  await second.locator('#chat-view').waitFor({ state: 'visible' });
  assert.equal(await myId(second), aliceId);
  await alice.locator('#banner').getByText('This chat continued in another tab or window.').waitFor();
  assert.equal(await alice.locator('body').getAttribute('data-state'), 'moved');
  await say(second, 'from the second tab');
  await messageItem(bob, 'from the second tab').waitFor();
  assert.deepEqual(
    toldAbout(bobFrames, aliceId).map((f) => f.type),
    ['joined'],
  );
  await second.close();
  alice = await tab(alice.context());
  await alice.addInitScript((value) => sessionStorage.setItem('wirechat.session', value), saved);
  await alice.goto(`http://127.0.0.1:${server.webPort}/`);
  await alice.locator('#chat-view').waitFor({ state: 'visible' });
  assert.equal(await myId(alice), aliceId);
});

test('a name already used in the room is refused in words; the same name in capitals too', async () => {
  const context = await browser.newContext();
  contexts.push(context);
  const page = await tab(context);
  await page.goto(`http://127.0.0.1:${server.webPort}/`);
  await page.getByLabel('Nickname').fill('ALICE');
  await page.getByLabel('Room').fill('lobby');
  await page.getByRole('button', { name: 'Join' }).click();
  await page
    .locator('#join-error')
    .getByText(/already uses that nickname/)
    .waitFor();
  assert.equal(await page.locator('#chat-view').isHidden(), true);
});

test('typing shows on the other page, and goes when the message arrives', async () => {
  await bob.locator('#text').pressSequentially('writing');
  await alice.locator('#typing').getByText('bob is typing…').waitFor();
  assert.equal(await bob.locator('#typing').textContent(), '', 'not to the typist');
  await bob.locator('#text').press('Enter');
  await messageItem(alice, 'writing').waitFor();
  assert.equal(await alice.locator('#typing').textContent(), '');
});

test('links open safely, a mention of me is marked, and Leave tells the room at once', async () => {
  await say(bob, 'hi @Alice, see https://example.org/page. not javascript:alert(1)');
  const item = messageItem(alice, 'hi @Alice, see https://example.org/page. not javascript:alert(1)');
  await item.waitFor();
  const links = item.locator('a');
  assert.equal(await links.count(), 1);
  assert.equal(await links.getAttribute('href'), 'https://example.org/page');
  assert.equal(await links.getAttribute('rel'), 'noopener noreferrer');
  assert.equal(await item.locator('mark.mention').textContent(), '@Alice');
  assert.match((await item.getAttribute('class')) ?? '', /mentions-me/);
  assert.equal(
    await messageItem(bob, 'hi @Alice, see https://example.org/page. not javascript:alert(1)')
      .locator('mark')
      .count(),
    0,
  );

  await alice.getByRole('button', { name: 'Leave' }).click();
  await alice.locator('#join-view').waitFor({ state: 'visible' });
  await bob.locator('#messages .notice').getByText('alice left').last().waitFor();
  assert.equal(await alice.evaluate(() => sessionStorage.getItem('wirechat.session')), null);
  assert.deepEqual(
    toldAbout(bobFrames, aliceId).map((f) => f.type),
    ['joined', 'left'],
  );
});
