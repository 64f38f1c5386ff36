// Chromium as the wss client, its key log from --ssl-key-log-file: a WebSocket with
// permessage-deflate (Chromium offers it, the server accepts) to an echo server, recorded at
// the relay, decrypts and inflates to the messages the page sent and received.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { WebSocketServer } from 'ws';
import { chromiumPath } from '../../testing/chromium.js';
import { createWebSocketConnectionDecoder } from '../websocket/connection-decoder.js';
import {
  decodeChunks,
  makeCertificate,
  startRecordingRelay,
  TEST_INFO,
} from '../../testing/wire/tls-test-kit.js';

const TEXTS = ['hello from chromium', 'ünïcödé ✓', 'repeat '.repeat(500)];

test(
  'Chromium wss with permessage-deflate decrypts (--ssl-key-log-file) and inflates',
  { timeout: 60_000 },
  async (t) => {
    if (!existsSync(chromiumPath)) return t.skip('chromium is not installed');
    const dir = mkdtempSync(join(tmpdir(), 'wirechat-chromium-'));
    const cert = makeCertificate();
    const https = createServer({ cert: cert.cert, key: cert.key });
    const wss = new WebSocketServer({ server: https, perMessageDeflate: true });
    wss.on('connection', (socket) => socket.on('message', (data, binary) => socket.send(data, { binary })));
    await new Promise<void>((resolve) => https.listen(0, '127.0.0.1', resolve));
    const relay = await startRecordingRelay((https.address() as { port: number }).port);
    const keylog = join(dir, 'keys.log');
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run']
        .concat(['--disable-background-networking', '--disable-component-update', '--disable-sync'])
        .concat([`--ssl-key-log-file=${keylog}`, '--ignore-certificate-errors']),
    });
    try {
      const page = await browser.newPage();
      const echoed = await page.evaluate(
        async ({ url, texts }) => {
          const ws = new WebSocket(url);
          const got: string[] = [];
          await new Promise((resolve, reject) => {
            ws.onopen = resolve;
            ws.onerror = reject;
          });
          const done = new Promise<void>((resolve) => {
            ws.onmessage = (m) => {
              got.push(String(m.data));
              if (got.length === texts.length) resolve();
            };
          });
          for (const text of texts) ws.send(text);
          await done;
          ws.close(1000, 'done');
          await new Promise((resolve) => (ws.onclose = resolve));
          return got;
        },
        { url: `wss://127.0.0.1:${relay.port}/`, texts: TEXTS },
      );
      assert.deepEqual(echoed, TEXTS);
      await browser.close();
      await Promise.race([relay.closed, new Promise((r) => setTimeout(r, 2000))]);
      const decoded = decodeChunks(relay.chunks, readFileSync(keylog, 'utf8'), {
        inner: (events) => createWebSocketConnectionDecoder(TEST_INFO, (e) => events.push(e)),
      });
      assert.deepEqual(decoded.problems, []);
      const messages = decoded.events.flatMap((e) => (e.event === 'ws.message' ? [e] : []));
      assert.deepEqual(
        messages.filter((m) => m.from === 'client').map((m) => m.text),
        TEXTS,
      );
      assert.deepEqual(
        messages.filter((m) => m.from === 'server').map((m) => m.text),
        TEXTS,
      );
      assert.ok(
        messages.every((m) => m.compressed),
        'permessage-deflate in use both ways',
      );
    } finally {
      await browser.close().catch(() => undefined);
      relay.server.close();
      wss.close();
      https.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
