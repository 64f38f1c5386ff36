// pcapng Decryption Secrets Blocks: a wss capture with its key log injected by real `editcap
// --inject-secrets` decodes with no --keylog (in tshark too); without the block it stays encrypted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeBytes } from '../../testing/wire/e2e-test-kit.js';
import {
  available,
  readJsonl,
  recordWssSession,
  saidTexts,
  tsharkWebSocketTexts,
} from '../../testing/wire/wss-recording-kit.js';

test('a pcapng with an editcap-injected TLS key log decodes alone', { timeout: 60_000 }, async (t) => {
  if (!available('tcpdump') || !available('editcap')) {
    t.skip('tcpdump or editcap is not installed');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-dsb-'));
  try {
    const { pcap, keylog } = await recordWssSession(dir, ['secret in the file', 'and another']);
    const withSecrets = join(dir, 'with-secrets.pcapng');
    execFileSync('editcap', ['--inject-secrets', `tls,${keylog}`, pcap, withSecrets]);
    const plainNg = join(dir, 'plain.pcapng');
    execFileSync('editcap', ['-F', 'pcapng', pcap, plainNg]);

    const decoded = readJsonl(withSecrets);
    assert.deepEqual(saidTexts(decoded), ['secret in the file', 'and another']);
    assert.deepEqual(decoded.at(-1)!.problemsByCode, {});
    assert.ok(decoded.some((e) => e.event === 'tls.client-hello' && e.keysKnown === true));

    // tshark agrees: the file alone decrypts.
    if (available('tshark')) {
      const shown = tsharkWebSocketTexts(withSecrets);
      assert.match(shown, /secret in the file/);
      assert.match(shown, /and another/);
    }

    // The same packets without the block: encrypted, and TLS_NO_KEYS says so.
    const blind = readJsonl(plainNg);
    assert.deepEqual(saidTexts(blind), []);
    assert.equal((blind.at(-1)!.problemsByCode as Record<string, number>).TLS_NO_KEYS, 1);

    // Any chunking of the file (the block split across pushes) gives the same conversation.
    const bytes = readFileSync(withSecrets);
    const small = decodeBytes(bytes, {}, 7);
    assert.deepEqual(small.summary.messages, decoded.at(-1)!.messages);
    assert.equal(small.summary.messages.client, 3);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
