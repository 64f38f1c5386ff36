// Chromium chatting over wss:// through `wirechat tap --keylog`, with the key log Chromium writes
// itself (--ssl-key-log-file) as each handshake happens: the tap follows the growing file and
// shows the conversation decrypted, and its -w file decodes alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { startTestServer } from '../testing/chat/chat-client.js';
import { startChildCommand } from '../testing/child-command.js';
import { chromiumPath } from '../testing/chromium.js';
import { freePort } from '../shared/free-port.js';
import { readJsonl, saidTexts, writeCertificate } from '../testing/wire/wss-recording-kit.js';

test(
  'Chromium wss through tap --keylog: decrypted live from the key log it writes',
  { timeout: 60_000 },
  async (t) => {
    if (!existsSync(chromiumPath)) return t.skip('chromium is not installed');
    const dir = mkdtempSync(join(tmpdir(), 'wirechat-tap-chromium-'));
    const files = writeCertificate(dir);
    const keylog = join(dir, 'keys.log');
    writeFileSync(keylog, '');
    const saved = join(dir, 'chromium.pcapng');
    const server = await startTestServer({ tlsCert: files.cert, tlsKey: files.key });
    const tapPort = await freePort();
    const tap = startChildCommand('tap', [
      '--listen',
      `127.0.0.1:${tapPort}`,
      '--upstream',
      `127.0.0.1:${server.wsPort}`,
      '--keylog',
      keylog,
      // Chromium appends its secrets after each handshake; on a loaded machine that can take
      // longer than the default hold, and this test is about decrypting, not about the hold.
      '--keylog-wait',
      '10000',
      '--format',
      'jsonl',
      '-w',
      saved,
    ]);
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run']
        .concat(['--disable-background-networking', '--disable-component-update', '--disable-sync'])
        .concat([`--ssl-key-log-file=${keylog}`, '--ignore-certificate-errors']),
    });
    try {
      await tap.waitFor(/listening on/);
      const page = await browser.newPage();
      const replies = await page.evaluate(async (url) => {
        const ws = new WebSocket(url);
        const got: string[] = [];
        await new Promise((resolve, reject) => {
          ws.onopen = resolve;
          ws.onerror = reject;
        });
        const wait = (n: number) =>
          new Promise<void>((resolve) => {
            const check = () => (got.length >= n ? resolve() : setTimeout(check, 10));
            check();
          });
        ws.onmessage = (m) => got.push(String(m.data));
        ws.send(JSON.stringify({ type: 'login', client_name: 'chromium', room_id: 1 }));
        await wait(1);
        ws.send(JSON.stringify({ type: 'say', to_client_id: 'all', content: 'from a real browser' }));
        await wait(2);
        ws.close(1000, 'bye');
        await new Promise((resolve) => (ws.onclose = resolve));
        return got.length;
      }, `wss://127.0.0.1:${tapPort}/`);
      assert.equal(replies, 2);
      await tap.waitFor((out) => out.includes('"event":"ws.close"'), 'stdout', 15_000);
      tap.interrupt();
      assert.equal(await tap.exited, 0, tap.stderr());
      const events = tap
        .stdout()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.deepEqual(saidTexts(events), ['from a real browser']);
      assert.ok(events.some((e) => e.event === 'tls.client-hello' && e.keysKnown === true));
      assert.deepEqual(saidTexts(readJsonl(saved)), ['from a real browser']);
    } finally {
      await browser.close().catch(() => undefined);
      tap.child.kill('SIGKILL');
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
