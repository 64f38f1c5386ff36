// The page in a real browser against the real server: Debian's chromium driven by playwright-core,
// several people in separate browser contexts (separate storage, separate connections).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContextOptions, type Page, type WebSocket } from 'playwright-core';
import { launchChromium } from '../testing/chromium.js';
import { createChatServer } from '../chat/server.js';
import { testOutputDir } from '../shared/paths.js';

/** This file is compiled next to the page, so its folder is the page's web root (dist/web). */
const webRoot = dirname(fileURLToPath(import.meta.url));
const XSS = '<img src=x onerror=window.__xss=1>';
/** The same attack as a nickname, short enough for the default 32-character name limit. */
const XSS_NAME = '<img src=x onerror=__xss=1>';
const WAIT = 30_000;

type Server = Awaited<ReturnType<typeof createChatServer>>;

let server: Server | undefined;
let browser: Browser | undefined;
let ports = { wsPort: 0, webPort: 0 };
const pages: Page[] = [];
const pageErrors: string[] = [];

async function startServer(wsPort: number, webPort: number): Promise<Server> {
  const s = await createChatServer({ host: '127.0.0.1', wsPort, webPort, logLevel: 'silent', webRoot });
  ports = { wsPort: s.wsPort, webPort: s.webPort };
  return s;
}

before(async () => {
  server = await startServer(0, 0);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A person with their own browser context who opens the page and joins `room` as `name`. */
async function person(name: string, room: string, options: BrowserContextOptions = {}): Promise<Page> {
  assert.ok(browser);
  const context = await browser.newContext({ viewport: { width: 1100, height: 720 }, ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(WAIT);
  page.on('pageerror', (err) => pageErrors.push(`${name}: ${err.message}`));
  pages.push(page);
  await page.goto(`http://127.0.0.1:${ports.webPort}/`);
  await page.getByLabel('Nickname').fill(name);
  await page.getByLabel('Room').fill(room);
  await page.getByRole('button', { name: 'Join' }).click();
  await page.locator('#chat-view').waitFor({ state: 'visible' });
  assert.equal(await page.locator('#me-name').textContent(), name);
  assert.equal(await page.locator('#room-name').textContent(), room);
  return page;
}

async function say(page: Page, text: string): Promise<void> {
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter');
}

/** The message whose text is exactly `text`, once it is on the page. */
async function message(page: Page, text: string) {
  const item = page.locator('#messages li.msg').filter({
    has: page.locator('.text').getByText(text, { exact: true }),
  });
  await item.waitFor();
  return item;
}

const personItem = (page: Page, name: string) =>
  page.locator('#people li').filter({ has: page.locator('.person-name').getByText(name, { exact: true }) });

let alice: Page;
let bob: Page;
let carol: Page;

test('two people in one room see each other and talk both ways', async () => {
  alice = await person('alice', 'lobby', { colorScheme: 'light' });
  bob = await person('bob', 'lobby', { colorScheme: 'dark' });
  await personItem(alice, 'bob').waitFor();
  await personItem(bob, 'alice').waitFor();
  await alice.locator('#messages .notice').getByText('bob joined').waitFor();

  await say(alice, 'Hello Bob, how are you?');
  const atBob = await message(bob, 'Hello Bob, how are you?');
  assert.equal(await atBob.locator('.sender').textContent(), 'alice');
  assert.match((await atBob.getAttribute('class')) ?? '', /\bother\b/);
  const atAlice = await message(alice, 'Hello Bob, how are you?');
  assert.match((await atAlice.getAttribute('class')) ?? '', /\bown\b/);
  // The composer is emptied once the message has left.
  assert.equal(await alice.locator('#text').inputValue(), '');

  await say(bob, 'Fine, thanks!\nAnd you?');
  const atAlice2 = await message(alice, 'Fine, thanks!\nAnd you?');
  assert.equal(await atAlice2.locator('.sender').textContent(), 'bob');
  assert.match((await atAlice2.locator('time').getAttribute('datetime')) ?? '', /^\d{4}-\d\d-\d\dT/);
});

test('a private message reaches only its target and its sender', async () => {
  carol = await person('carol', 'lobby', { viewport: { width: 400, height: 760 } });
  await personItem(alice, 'carol').waitFor();

  const bobButton = personItem(alice, 'bob').getByRole('button');
  await bobButton.click();
  assert.equal(await alice.locator('#target-text').textContent(), 'Private to bob');
  assert.equal(await bobButton.getAttribute('aria-pressed'), 'true');
  await say(alice, 'psst, a secret for bob');

  const atBob = await message(bob, 'psst, a secret for bob');
  assert.match((await atBob.getAttribute('class')) ?? '', /\bprivate\b/);
  assert.equal(await atBob.locator('.badge').textContent(), 'private to you');
  const atAlice = await message(alice, 'psst, a secret for bob');
  assert.equal(await atAlice.locator('.badge').textContent(), 'private to bob');

  // Back to everyone; carol receives this one, so the secret (sent before it) would be there by now.
  await alice.getByRole('button', { name: 'Back to everyone' }).click();
  assert.equal(await alice.locator('#target-text').textContent(), 'To everyone');
  assert.equal(await bobButton.getAttribute('aria-pressed'), 'false');
  await say(alice, 'hello everyone');
  await message(carol, 'hello everyone');
  await message(bob, 'hello everyone');
  assert.equal(await carol.locator('#messages').getByText('secret').count(), 0);
  assert.equal(await carol.locator('#messages .private').count(), 0);
});

test('the online list updates when someone leaves', async () => {
  assert.equal(await alice.locator('#people-count').textContent(), '3');
  await carol.context().close();
  await personItem(alice, 'carol').waitFor({ state: 'detached' });
  await personItem(bob, 'carol').waitFor({ state: 'detached' });
  await alice.locator('#messages .notice').getByText('carol left').waitFor();
  assert.equal(await alice.locator('#people-count').textContent(), '2');
});

test('a name and a message written as HTML stay text and never run', async () => {
  const mallory = await person(XSS_NAME, 'lobby', { viewport: { width: 400, height: 760 } });
  await personItem(alice, XSS_NAME).waitFor();
  await alice.locator('#messages .notice').getByText(`${XSS_NAME} joined`).waitFor();
  await say(mallory, XSS);
  for (const page of [alice, bob, mallory]) {
    const item = await message(page, XSS);
    assert.equal(await item.locator('.text').textContent(), XSS);
  }
  assert.equal(await (await message(alice, XSS)).locator('.sender').textContent(), XSS_NAME);
  for (const page of [alice, bob, mallory]) {
    assert.equal(await page.locator('img').count(), 0, 'no <img> element was created');
    assert.equal(await page.evaluate(() => (window as { __xss?: unknown }).__xss), undefined);
  }

  mkdirSync(testOutputDir, { recursive: true });
  await alice.screenshot({ path: join(testOutputDir, 'chat-page.png') });
  await bob.screenshot({ path: join(testOutputDir, 'chat-page-dark.png') });
  await mallory.screenshot({ path: join(testOutputDir, 'chat-page-narrow.png') });
  await mallory.context().close();
  await personItem(alice, XSS_NAME).waitFor({ state: 'detached' });
});

test('nickname and room are remembered for the next visit', async () => {
  const again = await alice.context().newPage();
  again.setDefaultTimeout(WAIT);
  await again.goto(`http://127.0.0.1:${ports.webPort}/`);
  assert.equal(await again.getByLabel('Nickname').inputValue(), 'alice');
  assert.equal(await again.getByLabel('Room').inputValue(), 'lobby');
  await again.close();
});

test('when the server goes away the page says so, then reconnects and rejoins the room', async () => {
  assert.ok(server);
  const { wsPort, webPort } = ports;
  const lastSeen = await alice.locator('#messages li.msg').last().getAttribute('data-id');
  assert.ok(lastSeen);
  const sent: string[] = [];
  alice.on('websocket', (ws: WebSocket) => ws.on('framesent', (f) => sent.push(String(f.payload))));
  await server.close();
  server = undefined;
  for (const page of [alice, bob]) {
    await page
      .locator('#banner')
      .getByText(/Retrying in \d+ s/)
      .waitFor();
    assert.equal(await page.locator('body').getAttribute('data-state'), 'offline');
    assert.ok(await page.locator('#send').isDisabled(), 'sending is disabled while offline');
  }
  server = await startServer(wsPort, webPort);
  for (const page of [alice, bob]) {
    await page.locator('body[data-state="online"]').waitFor();
    await page.locator('#banner').waitFor({ state: 'hidden' });
    await page.locator('#messages .notice').getByText('Reconnected.').waitFor();
  }
  await personItem(alice, 'bob').waitFor();
  await personItem(bob, 'alice').waitFor();
  assert.equal(await alice.locator('#room-name').textContent(), 'lobby');
  // The rejoin asks for what was missed since the last message seen.
  const rejoin = sent.map((f) => JSON.parse(f)).find((m) => m.type === 'join');
  // The tab's session token goes with it (the restarted server no longer knows it: a new identity).
  assert.match(String(rejoin.session), /^[A-Za-z0-9_-]{22}$/);
  assert.deepEqual(rejoin, {
    type: 'join',
    name: 'alice',
    room: 'lobby',
    after: lastSeen,
    session: rejoin.session,
  });
  await say(bob, 'back again');
  await message(alice, 'back again');
  // Whatever the server replays after `after`, nothing is shown twice.
  assert.equal(
    await alice.locator('#messages .text').getByText('hello everyone', { exact: true }).count(),
    1,
  );
});

test('the conversation follows new messages, unless the reader has scrolled up', async () => {
  const list = alice.locator('#messages');
  const atBottom = () => list.evaluate((l) => l.scrollHeight - l.scrollTop - l.clientHeight < 2);
  const tall = Array.from({ length: 40 }, (_, i) => `line ${i + 1}`).join('\n');
  await say(bob, tall);
  await message(alice, tall);
  assert.ok(await list.evaluate((l) => l.scrollHeight > l.clientHeight), 'the list overflows');
  assert.ok(await atBottom(), 'followed the new message');

  await list.evaluate((l) => {
    l.scrollTop = 0;
  });
  await say(bob, 'while alice reads older messages');
  await message(alice, 'while alice reads older messages');
  await alice.locator('#jump').waitFor({ state: 'visible' });
  assert.equal(await list.evaluate((l) => l.scrollTop), 0, 'the reader was not moved');
  await alice.locator('#jump').click();
  assert.ok(await atBottom());
  await alice.locator('#jump').waitFor({ state: 'hidden' });
});

test('a refused join is explained on the form and can be corrected', async () => {
  assert.ok(browser);
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    page.on('pageerror', (err) => pageErrors.push(`eve: ${err.message}`));
    await page.goto(`http://127.0.0.1:${ports.webPort}/`);
    // A right-to-left override lets a name disguise itself; the server refuses it (NAME_INVALID).
    await page.getByLabel('Nickname').fill('eve\u202egnp.exe');
    await page.getByLabel('Room').fill('lobby');
    await page.getByRole('button', { name: 'Join' }).click();
    await page
      .locator('#join-error')
      .getByText('That nickname contains characters that cannot be used.')
      .waitFor();
    assert.ok(await page.locator('#chat-view').isHidden());
    assert.ok(
      await page.locator('#name').evaluate((e) => e === document.activeElement),
      'focus is on the name',
    );
    await page.getByLabel('Nickname').fill('eve');
    await page.getByRole('button', { name: 'Join' }).click();
    await page.locator('#chat-view').waitFor({ state: 'visible' });
    await personItem(alice, 'eve').waitFor();
  } finally {
    await context.close();
  }
});

test('changing room moves the person: the old room sees them leave, the new one starts empty', async () => {
  await alice.getByRole('button', { name: 'Change name or room' }).click();
  assert.equal(await alice.getByLabel('Room').inputValue(), 'lobby');
  await alice.getByLabel('Room').fill('garden');
  await alice.getByRole('button', { name: 'Join' }).click();
  await alice.locator('#room-name').getByText('garden', { exact: true }).waitFor();
  await bob.locator('#messages .notice').getByText('alice moved to #garden').waitFor();
  await personItem(bob, 'alice').waitFor({ state: 'detached' });
  assert.equal(await alice.locator('#people li').count(), 1);
  assert.equal(
    await alice.locator('#messages li.msg').count(),
    0,
    'the old room is not shown in the new one',
  );
  await say(alice, 'anyone in the garden?');
  await message(alice, 'anyone in the garden?');
});

test("the page answers the server's ping with a pong", async () => {
  assert.ok(browser);
  const fast = await createChatServer({
    host: '127.0.0.1',
    wsPort: 0,
    webPort: 0,
    logLevel: 'silent',
    webRoot,
    pingInterval: 0.3,
  });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    page.on('pageerror', (err) => pageErrors.push(`dave: ${err.message}`));
    const socket = page.waitForEvent('websocket');
    await page.goto(`http://127.0.0.1:${fast.webPort}/`);
    await page.getByLabel('Nickname').fill('dave');
    await page.getByRole('button', { name: 'Join' }).click();
    const ws = await socket;
    await ws.waitForEvent('framereceived', { predicate: (f) => f.payload === '{"type":"ping"}' });
    await ws.waitForEvent('framesent', { predicate: (f) => f.payload === '{"type":"pong"}' });
  } finally {
    await context.close();
    await fast.close();
  }
});

test('no script error happened in any page', () => {
  assert.deepEqual(pageErrors, []);
});
