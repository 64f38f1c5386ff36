// The HTML view folds TLS lines: a session left encrypted gives a handshake row naming its
// messages and one row for the run of encrypted records (with every line in its detail), not a
// row per record; with keys the conversation's rows are there and the handshake stays one row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { launchChromium } from '../../testing/chromium.js';
import { testOutputDir } from '../../shared/paths.js';
import type { WireEvent } from '../events.js';
import { decodeChunks, makeCertificate, recordSession } from '../../testing/wire/tls-test-kit.js';
import { createHtmlRenderer, renderHtml } from './html-ladder.js';
import { openPage, shot } from '../../testing/wire/html-test-page.js';
import { MAX_FOLDED_LINES } from './html-tls-fold.js';

const cert = makeCertificate();
const session = await recordSession(cert, {
  server: { maxVersion: 'TLSv1.3' },
  clientSends: Array.from({ length: 30 }, (_, i) => Buffer.from(`client line ${i}\n`)),
  serverSends: [Buffer.from('server hello text')],
});

function rowsOf(events: WireEvent[]) {
  const r = createHtmlRenderer({ title: 't', source: 's' });
  r.render(events);
  return r.data().rows;
}

test('without keys: one handshake row and one row for the encrypted records', () => {
  const decoded = decodeChunks(session.chunks, undefined);
  const tlsEvents = decoded.events.filter((e) => (e.event as string).startsWith('tls.'));
  const encrypted = tlsEvents.filter((e) => (e.event as string) === 'tls.encrypted');
  assert.ok(encrypted.length >= 3, 'several records left encrypted');
  const rows = rowsOf(decoded.events).filter((r) => r.k === 'tls');
  assert.ok(rows.length <= 3, `folded into few rows, got ${rows.length} for ${tlsEvents.length} lines`);
  assert.match(rows[0]!.l, /^TLS ClientHello · ServerHello/);
  const records = rows.filter((r) => /encrypted record/.test(r.l));
  const counted = records.reduce((n, r) => n + Number(/TLS: (\d+) encrypted/.exec(r.l)![1]), 0);
  assert.equal(counted, encrypted.length, 'every record counted');
  // Every TLS line is in some row's detail.
  assert.equal(
    rows.reduce((n, r) => n + r.x.length, 0),
    tlsEvents.length,
  );
});

test('with keys: the handshake is one folded row and the plaintext is not hidden', () => {
  const decoded = decodeChunks(session.chunks, session.keylog);
  assert.equal(decoded.plain.client.toString().split('\n')[0], 'client line 0');
  const rows = rowsOf(decoded.events).filter((r) => r.k === 'tls');
  assert.ok(rows.length >= 1);
  assert.ok(
    rows.every((r) => !/encrypted record/.test(r.l)),
    'nothing left encrypted',
  );
  assert.match(rows[0]!.l, /ClientHello/);
  assert.ok(rows[0]!.x.some((line) => /keys found in the key log/.test(line)));
  assert.ok(MAX_FOLDED_LINES >= 100);
});

test('in the page, a folded TLS row unfolds into its lines when clicked', { timeout: 60_000 }, async () => {
  const decoded = decodeChunks(session.chunks, undefined);
  mkdirSync(testOutputDir, { recursive: true });
  const file = join(testOutputDir, 'ladder-tls.html');
  writeFileSync(file, renderHtml(decoded.events, { title: 'tls', source: 'tls' }));
  const browser = await launchChromium();
  try {
    const { page, errors } = await openPage(browser, pathToFileURL(file).href);
    const rows = page.locator('.row[data-kind="tls"]');
    assert.equal(await rows.count(), 2);
    await rows.nth(1).click();
    assert.match((await page.locator('#detail h2').textContent()) ?? '', /encrypted records/);
    const lines = await page.locator('#detail li').allTextContents();
    assert.ok(lines.filter((l) => /encrypted application data|bytes/.test(l)).length >= 3, lines.join('\n'));
    await shot(page, 'tls');
    assert.deepEqual(errors, []);
    await page.context().close();
  } finally {
    await browser.close();
  }
});
