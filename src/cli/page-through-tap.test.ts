// The page through `wirechat tap` in a real browser: the server advertises the tap
// (`--public-ws-url`), or the page's own address names it (`?ws=`); either way the browser's chat
// passes the tap and is decoded. A `?ws=` that is not a ws/wss URL is ignored, and said so.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../testing/chromium.js';
import { createChatServer } from '../chat/server.js';
import { freePort } from '../shared/free-port.js';
import { projectRoot } from '../shared/paths.js';
import { startTapProxy, type TapProxy } from '../wire/source/tap-proxy.js';
import { createCaptureDecoder } from '../wire/decode-capture.js';
import { createTapRecorder } from './tap.js';

const webRoot = join(projectRoot, 'dist', 'web');
const WAIT = 20_000;
let browser: Browser | undefined;

before(async () => {
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
});

type Server = Awaited<ReturnType<typeof createChatServer>>;

/** A chat server (optionally advertising `publicWsUrl`) and a tap in front of it, decoding. */
async function chatBehindTap(advertiseTap: boolean) {
  const tapPort = await freePort();
  const tapUrl = `ws://127.0.0.1:${tapPort}/`;
  const server: Server = await createChatServer({
    host: '127.0.0.1',
    wsPort: 0,
    webPort: 0,
    logLevel: 'silent',
    webRoot,
    ...(advertiseTap ? { publicWsUrl: tapUrl } : {}),
  });
  const texts: string[] = [];
  const decoder = createCaptureDecoder({}, (events) => {
    for (const ev of events) if (ev.event === 'ws.message' && ev.text !== undefined) texts.push(ev.text);
  });
  const proxy: TapProxy = await startTapProxy({
    listenHost: '127.0.0.1',
    listenPort: tapPort,
    upstreamHost: '127.0.0.1',
    upstreamPort: server.wsPort,
    onPacket: createTapRecorder(decoder),
  });
  return {
    server,
    tapUrl,
    texts,
    async close() {
      await proxy.close();
      await server.close();
    },
  };
}

async function joinAndSay(page: Page, name: string, text: string): Promise<void> {
  await page.getByLabel('Nickname').fill(name);
  await page.getByLabel('Room').fill('1');
  await page.getByRole('button', { name: 'Join' }).click();
  await page.locator('#chat-view').waitFor({ state: 'visible' });
  await page.locator('#text').fill(text);
  await page.locator('#text').press('Enter');
  await page.locator('#messages li', { hasText: text }).first().waitFor();
}

const waitUntil = async (ok: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
};

test('serve --public-ws-url: the page connects through the advertised tap, which decodes its chat', async () => {
  const chat = await chatBehindTap(true);
  const page = await browser!.newPage();
  page.setDefaultTimeout(WAIT);
  try {
    const config = (await (await fetch(`http://127.0.0.1:${chat.server.webPort}/config.json`)).json()) as {
      wsUrl?: string;
    };
    assert.equal(config.wsUrl, chat.tapUrl);
    await page.goto(`http://127.0.0.1:${chat.server.webPort}/`);
    await joinAndSay(page, 'alice', 'hello through the tap');
    await waitUntil(() => chat.texts.some((t) => t.includes('hello through the tap')));
    assert.ok(
      chat.texts.some((t) => t.includes('"text":"hello through the tap"')),
      `the tap decoded the browser's message: ${chat.texts.join(' | ')}`,
    );
  } finally {
    await page.close();
    await chat.close();
  }
});

test('?ws= sends one page through the tap; a non-ws ?ws= is ignored, with a note, and the chat still works', async () => {
  const chat = await chatBehindTap(false);
  const page = await browser!.newPage();
  page.setDefaultTimeout(WAIT);
  try {
    const web = `http://127.0.0.1:${chat.server.webPort}/`;
    await page.goto(`${web}?ws=${encodeURIComponent(chat.tapUrl)}`);
    assert.match(
      (await page.locator('#ws-note').textContent()) ?? '',
      /Connecting through ws:\/\/127\.0\.0\.1/,
    );
    await joinAndSay(page, 'bob', 'via the query');
    await waitUntil(() => chat.texts.some((t) => t.includes('via the query')));
    assert.ok(chat.texts.some((t) => t.includes('"text":"via the query"')));

    // Bob leaves, so nothing of what follows has a reason to pass the tap.
    await page.close();
    const before = chat.texts.length;
    const other = await browser!.newPage();
    other.setDefaultTimeout(WAIT);
    try {
      await other.goto(`${web}?ws=${encodeURIComponent('javascript:alert(1)')}`);
      const note = other.locator('#ws-note');
      assert.equal(await note.getAttribute('data-kind'), 'bad-param');
      assert.match((await note.textContent()) ?? '', /only ws:\/\/ and wss:\/\/ URLs/);
      await joinAndSay(other, 'carol', 'straight to the server');
      // It went to the server directly, not through the tap.
      await new Promise((r) => setTimeout(r, 300));
      assert.ok(!chat.texts.slice(before).some((t) => t.includes('straight to the server')));
    } finally {
      await other.close();
    }
  } finally {
    await page.close();
    await chat.close();
  }
});
