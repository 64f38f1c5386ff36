// `wirechat serve --tls-keylog FILE` as a user runs it, with two workers: the server's session
// secrets are appended (0600, nothing before them lost, whole lines only) and decrypt a tcpdump
// capture of its wss:// traffic; the log warns at start.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../shared/free-port.js';
import { startTcpdumpRecorder } from '../../testing/tcpdump-recorder.js';
import { KeyStore } from '../../wire/tls/key-store.js';
import { parseKeyLog } from '../../wire/tls/keylog-parser.js';
import {
  available,
  cli,
  readJsonl,
  saidTexts,
  writeCertificate,
  wssChat,
} from '../../testing/wire/wss-recording-kit.js';
import { openTlsKeyLog } from './tls-keylog.js';

test('the key log is created 0600 and appended to, never truncated', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wirechat-keylog-file-'));
  try {
    const path = join(dir, 'keys.log');
    const first = openTlsKeyLog(path);
    first.write(Buffer.from('CLIENT_RANDOM aa bb\n'));
    first.close();
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const second = openTlsKeyLog(path);
    second.write(Buffer.from('CLIENT_RANDOM cc dd')); // a line without its newline gets one
    second.close();
    second.write(Buffer.from('after close\n')); // ignored, no throw
    assert.equal(readFileSync(path, 'latin1'), 'CLIENT_RANDOM aa bb\nCLIENT_RANDOM cc dd\n');
    assert.throws(() => openTlsKeyLog(dir), { code: 'TLS_KEYLOG_UNWRITABLE' });
    assert.throws(() => openTlsKeyLog(join(dir, 'no', 'such', 'dir')), { code: 'TLS_KEYLOG_UNWRITABLE' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test(
  'serve --tls-keylog with workers: secrets appended, 0600, and they decrypt a capture',
  { timeout: 60_000 },
  async (t) => {
    if (!available('tcpdump')) {
      t.skip('tcpdump is not installed');
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'wirechat-serve-keylog-'));
    const files = writeCertificate(dir);
    const keylog = join(dir, 'server-keys.log');
    const [wsPort, webPort] = [await freePort(), await freePort()];
    const child = spawn(
      process.execPath,
      [
        cli,
        'serve',
        '--host',
        '127.0.0.1',
        '--ws-port',
        String(wsPort),
        '--web-port',
        String(webPort),
      ].concat(['--workers', '2', '--tls-cert', files.cert, '--tls-key', files.key, '--tls-keylog', keylog]),
      { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, WIRECHAT_LOG_LEVEL: '' } },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8');
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (s: string) => {
          stderr += s;
          if (stderr.includes('wirechat listening')) resolve();
        });
        void exited.then(() => reject(new Error(`serve exited: ${stderr}`)));
      });
      assert.equal(statSync(keylog).mode & 0o777, 0o600);
      assert.match(stderr, /anyone who can read it can decrypt/);

      const pcap = join(dir, 'wss.pcap');
      const recorder = await startTcpdumpRecorder({ file: pcap, port: wsPort, immediate: true });
      // Several connections, so both workers take some (the clients keep no key log of their own).
      const words = ['one', 'two', 'three', 'four'];
      await Promise.all(words.map((w) => wssChat(`wss://127.0.0.1:${wsPort}/`, [`said ${w}`])));
      await recorder.stop();
      child.kill('SIGTERM');
      assert.equal(await exited, 0);

      const text = readFileSync(keylog, 'latin1');
      const store = new KeyStore();
      const parsed = parseKeyLog(text, store, keylog);
      assert.equal(parsed.badLines, 0, 'every line whole');
      assert.equal(store.size, words.length, 'one session per connection');

      const decoded = readJsonl(pcap, ['--keylog', keylog]);
      assert.deepEqual(saidTexts(decoded).sort(), words.map((w) => `said ${w}`).sort());
      assert.deepEqual(decoded.at(-1)!.problemsByCode, {});

      // Without a certificate the option is a usage error (exit 2), one line.
      const bad = spawnSync(process.execPath, [cli, 'serve', '--tls-keylog', keylog, '--ws-port', '0']);
      assert.equal(bad.status, 2);
      assert.match(bad.stderr.toString(), /--tls-keylog needs --tls-cert and --tls-key/);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
