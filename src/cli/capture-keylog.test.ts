// `wirechat capture --keylog` live, with the real tcpdump, the real chat server over wss:// and
// node clients whose key log is written late (as a browser may): the connection is held until
// its secrets arrive and then reads in clear; a connection whose secrets never come is reported
// TLS_NO_KEYS after --keylog-wait. `-w` writes a pcapng carrying the secrets, which decodes alone
// in `wirechat read` and in tshark.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestServer } from '../testing/chat/chat-client.js';
import { startChildCommand } from '../testing/child-command.js';
import { tshark } from '../testing/wire/tap-test-kit.js';
import {
  available,
  readJsonl,
  saidTexts,
  writeCertificate,
  wssChat,
} from '../testing/wire/wss-recording-kit.js';

const root = process.getuid?.() === 0;

function appendLate(file: string, line: Buffer): void {
  try {
    appendFileSync(file, line);
  } catch {
    // the test is over and its directory gone
  }
}

test(
  'capture --keylog follows a key log written late; -w keeps the secrets in the pcapng',
  { skip: (!root || !available('tshark')) && 'needs root for tcpdump, and tshark', timeout: 60_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wirechat-capture-keylog-'));
    const files = writeCertificate(dir);
    const keylog = join(dir, 'keys.log');
    writeFileSync(keylog, '');
    const saved = join(dir, 'wss.pcapng');
    const server = await startTestServer({ tlsCert: files.cert, tlsKey: files.key });
    const capture = startChildCommand('capture', [
      '-i',
      'lo',
      '--format',
      'jsonl',
      '--keylog',
      keylog,
      '--keylog-wait',
      '3000',
      '-w',
      saved,
      'tcp',
      'port',
      String(server.wsPort),
    ]);
    try {
      await capture.waitFor(/listening on lo/);
      // The secrets reach the key log 700 ms after node knows them: well after the records they open.
      const late = new Agent({ keepAlive: false });
      late.on('keylog', (line: Buffer) => void setTimeout(() => appendLate(keylog, line), 700));
      await wssChat(`wss://127.0.0.1:${server.wsPort}/`, ['written late', 'still read'], late);
      // A second session whose secrets never come.
      await wssChat(`wss://127.0.0.1:${server.wsPort}/`, ['never decrypted']);
      await capture.waitFor((out) => out.includes('TLS_NO_KEYS'), 'stdout', 15_000);
      capture.interrupt();
      assert.equal(await capture.exited, 0, capture.stderr());

      const events = capture
        .stdout()
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.deepEqual(saidTexts(events), ['written late', 'still read']);
      const summary = events.at(-1)!;
      assert.deepEqual(summary.problemsByCode, { TLS_NO_KEYS: 1 });
      assert.equal(summary.websocketConnections, 1);

      // The saved file carries the secrets: it decodes with no key log, in wirechat and tshark.
      assert.equal(readFileSync(saved).readUInt32LE(0), 0x0a0d0d0a, 'pcapng');
      const again = readJsonl(saved);
      assert.deepEqual(saidTexts(again), ['written late', 'still read']);
      assert.deepEqual(again.at(-1)!.problemsByCode, { TLS_NO_KEYS: 1 });
      const shown = tshark(['-r', saved, '-Y', 'websocket', '-T', 'fields', '-e', 'text']);
      assert.match(shown, /written late/);
      assert.match(shown, /still read/);
      assert.doesNotMatch(shown, /never decrypted/);
    } finally {
      capture.child.kill('SIGKILL');
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
